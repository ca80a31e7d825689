#include "console/deploy_input.h"

#include <vector>

namespace pier::console {

using nlohmann::json;

namespace {

class BodyReader {
 public:
  explicit BodyReader(const json& body) : body_(body) {}

  const json* field(const char* name) {
    auto it = body_.find(name);
    return it == body_.end() || it->is_null() ? nullptr : &*it;
  }

  void problem(std::string location, std::string message) { problems_.push_back({std::move(location), std::move(message)}); }

  std::string string(const char* name, bool required, const char* what) {
    const json* value = field(name);
    if (!value) {
      if (required) problem(std::string("/") + name, std::string("required: ") + what);
      return "";
    }
    if (!value->is_string()) {
      problem(std::string("/") + name, std::string("expected a string: ") + what);
      return "";
    }
    return value->get<std::string>();
  }

  bool boolean(const char* name, bool fallback) {
    const json* value = field(name);
    if (!value) return fallback;
    if (!value->is_boolean()) {
      problem(std::string("/") + name, "expected true or false");
      return fallback;
    }
    return value->get<bool>();
  }

  std::optional<long long> integer(const char* name, long long min, long long max) {
    const json* value = field(name);
    if (!value) return std::nullopt;
    if (!value->is_number_integer() || value->get<long long>() < min || value->get<long long>() > max) {
      problem(std::string("/") + name, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return std::nullopt;
    }
    return value->get<long long>();
  }

  RolloutSettings settings() {
    RolloutSettings s;
    s.dry_run = boolean("dry_run", false);
    s.wait = boolean("wait", true);
    s.force_conflicts = boolean("force_conflicts", false);
    if (auto seconds = integer("timeout_seconds", 1, 86'400)) s.timeout = std::chrono::seconds(*seconds);
    return s;
  }

  void only(std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : body_.items()) {
      bool ok = false;
      for (auto k : known) ok = ok || key == k;
      if (!ok) problem("/" + key, "unknown field");
    }
  }

  Result<void> verdict(std::string what) {
    if (problems_.empty()) return {};
    Error error = Error::invalid("the " + what + " request is not valid");
    error.details = std::move(problems_);
    return fail(std::move(error));
  }

 private:
  const json& body_;
  std::vector<ErrorDetail> problems_;
};

Error not_an_object(const std::string& what) {
  Error error = Error::invalid("the " + what + " request is not valid");
  error.details.push_back({"", "expected a JSON object"});
  return error;
}

}  // namespace

Result<DeployInput> parse_deploy_input(const store::ReleaseKey& key, const json& body) {
  if (!body.is_object()) return fail(not_an_object("deploy"));
  BodyReader reader(body);
  reader.only({"app", "preset", "team", "values", "message", "dry_run", "wait", "timeout_seconds", "force_conflicts",
               "auto_rollback"});
  DeployInput input{.key = key};
  input.app = reader.string("app", true, "the catalog app to deploy");
  if (reader.field("preset")) input.preset = reader.string("preset", false, "a preset name, or \"\" for none");
  input.team = reader.string("team", false, "the team whose saved presets are looked up first");
  if (const json* values = reader.field("values")) {
    if (values->is_object()) input.values = *values;
    else reader.problem("/values", "expected an object: the form's values");
  }
  input.message = reader.string("message", false, "a note for the history");
  input.settings = reader.settings();
  input.auto_rollback = reader.boolean("auto_rollback", false);
  if (auto ok = reader.verdict("deploy"); !ok) return fail(ok.error());
  return input;
}

Result<RollbackInput> parse_rollback_input(const store::ReleaseKey& key, const json& body) {
  if (!body.is_object()) return fail(not_an_object("rollback"));
  BodyReader reader(body);
  reader.only({"revision", "message", "dry_run", "wait", "timeout_seconds", "force_conflicts"});
  RollbackInput input{.key = key};
  if (!reader.field("revision")) reader.problem("/revision", "required: the revision to roll back to");
  if (auto revision = reader.integer("revision", 1, 1'000'000'000)) input.revision = static_cast<int>(*revision);
  input.message = reader.string("message", false, "a note for the history");
  input.settings = reader.settings();
  if (auto ok = reader.verdict("rollback"); !ok) return fail(ok.error());
  return input;
}

}  // namespace pier::console
