#include "manifest/manifest_writer.h"

#include <algorithm>

#include "common/files.h"
#include "manifest/object_ref.h"
#include "yamljson/json_to_yaml.h"

namespace pier::manifest {

namespace {

std::string one_object(const SourcedObject& sourced, OutputFormat format) {
  if (format == OutputFormat::kJson) return sourced.object.dump(2) + "\n";
  std::string out = "# Source: " + sourced.origin + "\n";
  yamljson::append_yaml(out, sourced.object);
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string format_objects(const std::vector<SourcedObject>& objects, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    nlohmann::json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", nlohmann::json::array()}};
    for (const auto& o : objects) list["items"].push_back(o.object);
    return list.dump(2) + "\n";
  }
  std::string out;
  for (size_t i = 0; i < objects.size(); ++i) {
    out += "---\n";
    out += one_object(objects[i], format);
  }
  return out;
}

std::string object_file_name(size_t index, size_t count, const nlohmann::json& object, OutputFormat format) {
  ObjectRef ref = ObjectRef::of(object);
  size_t width = std::to_string(count > 0 ? count - 1 : 0).size();
  std::string number = std::to_string(index);
  if (number.size() < std::max<size_t>(width, 2)) number.insert(0, std::max<size_t>(width, 2) - number.size(), '0');
  std::string name = number + "-" + lower(ref.kind);
  if (!ref.namespace_name.empty()) name += "-" + ref.namespace_name;
  name += "-" + ref.name;
  // Names are validated DNS names by now; keep the file name safe regardless.
  for (char& c : name)
    if (c == '/' || c == '\0' || c == ':') c = '_';
  return name + (format == OutputFormat::kJson ? ".json" : ".yaml");
}

Result<std::vector<std::filesystem::path>> write_objects_to_dir(const std::vector<SourcedObject>& objects,
                                                                OutputFormat format, const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    return fail(Error::invalid(dir.string() + ": exists and is not a directory"));
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(Error::io(dir.string() + ": cannot create: " + ec.message()));
  // Everything is formatted before the first file is written, so a failure
  // cannot leave a half set behind for reasons of ours.
  std::vector<std::pair<std::filesystem::path, std::string>> files;
  for (size_t i = 0; i < objects.size(); ++i)
    files.emplace_back(dir / object_file_name(i, objects.size(), objects[i].object, format),
                       format == OutputFormat::kJson ? objects[i].object.dump(2) + "\n" : one_object(objects[i], format));
  std::vector<std::filesystem::path> written;
  for (const auto& [path, content] : files) {
    if (auto r = write_file_atomic(path, content); !r) return fail(r.error());
    written.push_back(path);
  }
  return written;
}

}  // namespace pier::manifest
