#include "lb/owned_services.h"

#include <system_error>

#include <nlohmann/json.hpp>

#include "common/files.h"

namespace pier::lb {
namespace {

Error damaged(const std::filesystem::path& path, const std::string& why) {
  return Error::make(ErrorCode::kInvalidInput,
                     path.string() + ": " + why +
                         " (the record of Pier's IPVS services; fix or remove it by hand once no service is Pier's)");
}

}  // namespace

Result<void> OwnedServices::load() {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) {
    keys_.clear();
    return {};
  }
  auto text = read_file(path_);
  if (!text) return fail(text.error());
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::parse_error& e) {
    return fail(damaged(path_, std::string("not JSON: ") + e.what()));
  }
  const auto* services = document.is_object() && document.contains("services") ? &document["services"] : nullptr;
  if (!services || !services->is_array()) return fail(damaged(path_, "expected an object with a \"services\" array"));
  std::set<ServiceKey> keys;
  for (size_t i = 0; i < services->size(); ++i) {
    const auto& entry = (*services)[i];
    std::string where = "/services/" + std::to_string(i);
    if (!entry.is_object() || !entry.contains("vip") || !entry["vip"].is_string() || !entry.contains("port") ||
        !entry["port"].is_number_unsigned() || !entry.contains("protocol") || !entry["protocol"].is_string())
      return fail(damaged(path_, where + ": expected {\"vip\": string, \"port\": number, \"protocol\": \"TCP\"|\"UDP\"}"));
    auto vip = IpAddress::parse(entry["vip"].get<std::string>());
    auto protocol = parse_protocol(entry["protocol"].get<std::string>());
    uint64_t port = entry["port"].get<uint64_t>();
    if (!vip || !protocol || port == 0 || port > 65535) return fail(damaged(path_, where + ": invalid address, port or protocol"));
    keys.insert(ServiceKey{*vip, static_cast<uint16_t>(port), *protocol});
  }
  keys_ = std::move(keys);
  return {};
}

Result<void> OwnedServices::store(const std::set<ServiceKey>& keys) {
  nlohmann::json services = nlohmann::json::array();
  for (const auto& key : keys)
    services.push_back({{"vip", key.vip.text()}, {"port", key.port}, {"protocol", std::string(name(key.protocol))}});
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  auto written = write_file_atomic(path_, nlohmann::json{{"services", services}}.dump(1) + "\n");
  if (!written) return fail(written.error());
  return {};
}

Result<void> OwnedServices::claim(std::span<const ServiceKey> keys) {
  std::set<ServiceKey> next = keys_;
  for (const auto& key : keys) next.insert(key);
  if (next.size() == keys_.size()) return {};
  auto stored = store(next);
  if (!stored) return stored;
  keys_ = std::move(next);
  return {};
}

Result<void> OwnedServices::release(std::span<const ServiceKey> keys) {
  std::set<ServiceKey> next = keys_;
  for (const auto& key : keys) next.erase(key);
  if (next.size() == keys_.size()) return {};
  auto stored = store(next);
  if (!stored) return stored;
  keys_ = std::move(next);
  return {};
}

}  // namespace pier::lb
