// Which release: its namespace and name. Kept as one type so that the two
// strings are never passed in the wrong order.
//
//   ReleaseRef ref{.namespace_name = "shop", .name = "shop-web"};
//   ref.display();  // "shop/shop-web"
#pragma once

#include <string>

namespace pier::release {

struct ReleaseRef {
  std::string namespace_name;
  std::string name;

  std::string display() const { return namespace_name + "/" + name; }
  friend bool operator==(const ReleaseRef&, const ReleaseRef&) = default;
};

}  // namespace pier::release
