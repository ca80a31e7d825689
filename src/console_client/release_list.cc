#include "console_client/release_list.h"

#include "console_client/api_paths.h"
#include "common/url_encoding.h"

namespace pier::console_client {

Result<std::vector<nlohmann::json>> list_releases(ConsoleClient& client, const ReleaseFilter& filter, int page_size) {
  std::vector<nlohmann::json> releases;
  std::string after;
  while (true) {
    std::string path = "/api/v1/releases" + encode_query({{"cluster", filter.cluster},
                                                          {"namespace", filter.namespace_name},
                                                          {"app", filter.app},
                                                          {"status", filter.status},
                                                          {"q", filter.search},
                                                          {"limit", std::to_string(page_size)},
                                                          {"after", after}});
    auto page = client.get(path);
    if (!page) return fail(page.error());
    auto items = page->find("items");  // end() for a page that is not an object
    if (items == page->end() || !items->is_array())
      return fail(Error::internal("GET /api/v1/releases: the answer has no \"items\" list"));
    for (auto& item : *items) releases.push_back(std::move(item));

    auto next = page->find("next");
    if (next == page->end() || next->is_null()) return releases;
    if (!next->is_string() || next->get<std::string>().empty() || next->get<std::string>() == after)
      return fail(Error::internal("GET /api/v1/releases: the answer's \"next\" cursor does not move on"));
    after = next->get<std::string>();
  }
}

}  // namespace pier::console_client
