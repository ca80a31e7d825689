#include "release/gitops_target.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "common/files.h"
#include "manifest/manifest_writer.h"
#include "manifest/names.h"

namespace pier::release {

namespace fs = std::filesystem;

namespace {

const DiffLabels kLiveLabels{"live", "after apply"};

bool is_safe_path_segment(const std::string& s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string::npos && s.find('\0') == std::string::npos;
}

Error fs_error(const std::string& what, const fs::path& path, const std::error_code& ec) {
  return Error::io(path.string() + ": " + what + ": " + ec.message());
}

// The file `pier render --output-dir` writes for this object.
std::string object_file_content(const ManifestObject& object) {
  std::string text = manifest::format_objects({{object.object, object.origin, object.origin}}, manifest::OutputFormat::kYaml);
  constexpr std::string_view kSeparator = "---\n";
  if (text.starts_with(kSeparator)) text.erase(0, kSeparator.size());
  return text;
}

std::string object_file_name(const ReleasePlan& plan, size_t index) {
  return manifest::object_file_name(index, plan.apply.size(), plan.apply[index].object, manifest::OutputFormat::kYaml);
}

bool is_manifest_file(const fs::directory_entry& entry) {
  std::string name = entry.path().filename().string();
  if (name.starts_with(".") || !entry.is_regular_file()) return false;
  return name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json");
}

Result<void> recreate_dir(const fs::path& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return fail(fs_error("cannot remove", dir, ec));
  fs::create_directories(dir, ec);
  if (ec) return fail(fs_error("cannot create", dir, ec));
  return {};
}

// So that the renames survive a crash of the machine, not only of Pier.
void sync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Puts `staging` at `target`'s place in one step when the filesystem can
// exchange two directories; the old content ends up at `staging`.
Result<void> swap_directories(const fs::path& staging, const fs::path& target) {
  std::error_code ec;
  if (!fs::exists(target, ec)) {
    fs::rename(staging, target, ec);
    if (ec) return fail(fs_error("cannot rename " + staging.string() + " to it", target, ec));
    return {};
  }
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) return {};
  int error = errno;
  if (error != EINVAL && error != ENOSYS && error != ENOTSUP)
    return fail(Error::io(target.string() + ": cannot exchange with " + staging.string() + ": " + std::strerror(error)));
  // No exchange here: move the old one aside first, so that the directory
  // is briefly missing rather than ever partly written.
  fs::path aside = staging;
  aside += ".old";
  fs::remove_all(aside, ec);
  fs::rename(target, aside, ec);
  if (ec) return fail(fs_error("cannot move aside", target, ec));
  fs::rename(staging, target, ec);
  if (ec) {
    std::error_code undo;
    fs::rename(aside, target, undo);
    return fail(fs_error("cannot rename " + staging.string() + " to it", target, ec));
  }
  fs::rename(aside, staging, ec);
  return {};
}

}  // namespace

GitopsTarget::GitopsTarget(fs::path root, std::string cluster_name)
    : root_(std::move(root)), cluster_name_(std::move(cluster_name)) {}

fs::path GitopsTarget::release_dir(const ReleaseRef& release) const {
  return root_ / cluster_name_ / release.namespace_name / release.name;
}

fs::path GitopsTarget::staging_dir(const fs::path& release_dir) const {
  return release_dir.parent_path() / ("." + release_dir.filename().string() + ".staging");
}

Result<fs::path> GitopsTarget::checked_release_dir(const ReleaseRef& release) const {
  // These become path segments: nothing may climb out of the root.
  if (!is_safe_path_segment(cluster_name_))
    return fail(Error::invalid("gitops target: cluster name \"" + cluster_name_ + "\" cannot be a directory name"));
  if (!manifest::is_dns1123_label(release.namespace_name))
    return fail(Error::invalid("gitops target: namespace \"" + release.namespace_name + "\" is not a DNS-1123 label"));
  if (!manifest::is_dns1123_subdomain(release.name))
    return fail(Error::invalid("gitops target: release name \"" + release.name + "\" is not a DNS-1123 subdomain"));
  return release_dir(release);
}

std::string GitopsTarget::describe() const { return "gitops directory " + (root_ / cluster_name_).string(); }

Result<ManifestSet> GitopsTarget::read_release(const ReleaseRef& release) const {
  auto dir = checked_release_dir(release);
  if (!dir) return fail(dir.error());
  std::error_code ec;
  if (!fs::exists(*dir, ec)) return ManifestSet();
  std::vector<fs::path> files;
  for (fs::directory_iterator it(*dir, ec), end; !ec && it != end; it.increment(ec))
    if (is_manifest_file(*it)) files.push_back(it->path());
  if (ec) return fail(fs_error("cannot list", *dir, ec));
  std::sort(files.begin(), files.end());
  std::vector<ManifestObject> objects;
  for (const auto& file : files) {
    auto text = read_file(file);
    if (!text) return fail(text.error());
    auto set = ManifestSet::from_yaml(*text, file.string());
    if (!set) return fail(set.error());
    objects.insert(objects.end(), set->objects().begin(), set->objects().end());
  }
  return ManifestSet::from_objects(std::move(objects));
}

Result<std::vector<ObjectDiff>> GitopsTarget::live_diff(const ReleasePlan& plan, const ApplySettings&) {
  auto live = read_release(plan.release);
  if (!live) return fail(live.error());
  auto next = ManifestSet::from_objects(plan.apply);
  if (!next) return fail(next.error());
  // Files of the directory the plan does not know (someone added them, or
  // the previous revision was not recorded) go too: they show as removed.
  return diff_manifest_sets(*live, *next, kLiveLabels);
}

Result<void> GitopsTarget::apply(const ReleasePlan& plan, size_t index, const ApplySettings&) {
  if (index >= plan.apply.size()) return fail(Error::internal("apply step " + std::to_string(index) + " is not in the plan"));
  auto dir = checked_release_dir(plan.release);
  if (!dir) return fail(dir.error());
  fs::path staging = staging_dir(*dir);
  if (index == 0) {
    if (auto made = recreate_dir(staging); !made) return made;
  } else if (std::error_code ec; !fs::is_directory(staging, ec)) {
    return fail(Error::internal(staging.string() + ": apply step " + std::to_string(index) + " without step 0"));
  }
  return write_file_atomic(staging / object_file_name(plan, index), object_file_content(plan.apply[index]));
}

Result<void> GitopsTarget::remove(const ReleasePlan&, size_t) { return {}; }

Result<void> GitopsTarget::commit(const ReleasePlan& plan) {
  auto dir = checked_release_dir(plan.release);
  if (!dir) return fail(dir.error());
  fs::path staging = staging_dir(*dir);
  if (plan.apply.empty())
    if (auto made = recreate_dir(staging); !made) return made;

  // Only a staging directory with exactly this plan's files may become the
  // release: one left by an interrupted deploy of another plan may not.
  std::set<std::string> expected, found;
  for (size_t i = 0; i < plan.apply.size(); ++i) expected.insert(object_file_name(plan, i));
  std::error_code ec;
  for (fs::directory_iterator it(staging, ec), end; !ec && it != end; it.increment(ec))
    found.insert(it->path().filename().string());
  if (ec) return fail(fs_error("cannot list", staging, ec));
  if (found != expected)
    return fail(Error::internal(staging.string() + ": the staged files are not the plan's (" +
                                std::to_string(found.size()) + " staged, " + std::to_string(expected.size()) +
                                " planned)"));

  if (auto swapped = swap_directories(staging, *dir); !swapped) return swapped;
  fs::remove_all(staging, ec);  // the previous release directory, now here
  sync_directory(dir->parent_path());
  return {};
}

ReadyOutcome GitopsTarget::wait_ready(const ReleasePlan&, const EventSink&, std::chrono::milliseconds,
                                      std::stop_token) {
  return {};
}

}  // namespace pier::release
