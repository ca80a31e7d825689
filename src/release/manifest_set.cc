#include "release/manifest_set.h"

#include "manifest/manifest_reader.h"
#include "manifest/manifest_writer.h"
#include "manifest/object_ref.h"

namespace pier::release {

namespace {

constexpr std::string_view kSourcePrefix = "# Source: ";

bool is_blank_or_comment(std::string_view line) {
  size_t first = line.find_first_not_of(" \t\r");
  return first == std::string_view::npos || line[first] == '#';
}

// The `# Source:` origin of each document that holds something, in order.
// Documents are cut at `---` lines; an empty document is skipped, as the
// reader skips it, so the list lines up with the objects read.
std::vector<std::string> document_origins(std::string_view text) {
  std::vector<std::string> origins;
  std::string origin;
  bool has_content = false;
  auto end_document = [&] {
    if (has_content) origins.push_back(origin);
    origin.clear();
    has_content = false;
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (line == "---" || line.starts_with("--- ")) {
      end_document();
    } else if (!has_content && origin.empty() && line.starts_with(kSourcePrefix)) {
      origin = std::string(line.substr(kSourcePrefix.size()));
      while (!origin.empty() && origin.back() == '\r') origin.pop_back();
    } else if (!is_blank_or_comment(line)) {
      has_content = true;
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  end_document();
  return origins;
}

}  // namespace

ObjectKey ObjectKey::of(const nlohmann::json& object) {
  manifest::ObjectRef ref = manifest::ObjectRef::of(object);
  return {ref.group(), ref.kind, ref.namespace_name, ref.name};
}

std::string ObjectKey::display() const {
  return kind + " " + (namespace_name.empty() ? name : namespace_name + "/" + name);
}

ManifestSet ManifestSet::from_rendered(const catalog::RenderedRelease& rendered) {
  ManifestSet set;
  set.objects_.reserve(rendered.objects.size());
  for (const auto& sourced : rendered.objects)
    set.objects_.push_back({ObjectKey::of(sourced.object), sourced.object, sourced.origin});
  return set;
}

Result<ManifestSet> ManifestSet::from_objects(std::vector<ManifestObject> objects) {
  std::vector<ErrorDetail> duplicates;
  for (size_t i = 0; i < objects.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (objects[i].key == objects[j].key) {
        duplicates.push_back({objects[i].key.display(), "appears more than once"});
        break;
      }
  if (!duplicates.empty()) {
    Error error = Error::invalid("the same object is listed more than once");
    error.details = std::move(duplicates);
    return fail(std::move(error));
  }
  ManifestSet set;
  set.objects_ = std::move(objects);
  return set;
}

Result<ManifestSet> ManifestSet::from_yaml(std::string_view text, std::string_view file_name) {
  auto read = manifest::read_manifests(text, file_name);
  if (!read) return fail(read.error());
  std::vector<std::string> origins = document_origins(text);
  // A `List` document unpacks into several objects: origins no longer line up.
  if (origins.size() != read->size()) origins.assign(read->size(), "");
  std::vector<ManifestObject> objects;
  objects.reserve(read->size());
  for (size_t i = 0; i < read->size(); ++i) {
    ObjectKey key = ObjectKey::of((*read)[i]);
    objects.push_back({std::move(key), std::move((*read)[i]), std::move(origins[i])});
  }
  return from_objects(std::move(objects));
}

const ManifestObject* ManifestSet::find(const ObjectKey& key) const {
  for (const auto& o : objects_)
    if (o.key == key) return &o;
  return nullptr;
}

std::vector<manifest::SourcedObject> ManifestSet::sourced_objects() const {
  std::vector<manifest::SourcedObject> sourced;
  sourced.reserve(objects_.size());
  for (const auto& o : objects_) sourced.push_back({o.object, o.origin, o.origin});
  return sourced;
}

std::string ManifestSet::to_yaml() const {
  return manifest::format_objects(sourced_objects(), manifest::OutputFormat::kYaml);
}

}  // namespace pier::release
