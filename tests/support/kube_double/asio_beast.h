// The Boost.Asio / Beast headers the double uses, in one place.
//
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including
// <utility>, which g++ 12 in C++23 mode no longer pulls in transitively; the
// include below must come first. Internal to pier_kube_double.
#pragma once

#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace pier::testing::kube_double {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

}  // namespace pier::testing::kube_double
