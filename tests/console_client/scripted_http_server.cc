#include "scripted_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace pier::console_client::testing {

bool ScriptedConnection::write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool ScriptedConnection::write_chunk(std::string_view bytes) {
  char size[20];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  return write(std::string_view(size, static_cast<std::size_t>(n))) && write(bytes) && write("\r\n");
}

bool ScriptedConnection::respond(int status, std::string_view content_type, std::string_view body) {
  std::string_view reason = status == 200   ? "OK"
                            : status == 204 ? "No Content"
                            : status == 403 ? "Forbidden"
                            : status == 500 ? "Internal Server Error"
                            : status == 503 ? "Service Unavailable"
                                            : "Status";
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  if (!content_type.empty()) head += "Content-Type: " + std::string(content_type) + "\r\n";
  head += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  return write(head) && write(body);
}

bool ScriptedConnection::start_event_stream() {
  return write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
}

bool ScriptedConnection::end_chunks() { return write("0\r\n\r\n"); }

ScriptedHttpServer::ScriptedHttpServer(Script script) : script_(std::move(script)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::listen(listen_fd_, 8);
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

ScriptedHttpServer::~ScriptedHttpServer() {
  stopping_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::vector<std::string> ScriptedHttpServer::heads() const {
  std::lock_guard lock(mutex_);
  return heads_;
}

void ScriptedHttpServer::serve() {
  for (int index = 0; !stopping_;) {
    pollfd waiting{listen_fd_, POLLIN, 0};
    if (::poll(&waiting, 1, 20) <= 0) continue;  // wakes up often enough to notice stopping_
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::string head;
    char buffer[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      pollfd readable{fd, POLLIN, 0};
      if (::poll(&readable, 1, 2000) <= 0) break;
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      head.append(buffer, static_cast<std::size_t>(n));
    }
    // Read the body too (a POST's): closing with unread bytes would reset the
    // connection before the client reads the answer.
    std::size_t head_end = head.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::size_t length = std::strtoul(header_value(head, "Content-Length").c_str(), nullptr, 10);
      std::size_t have = head.size() - (head_end + 4);
      while (have < length) {
        pollfd readable{fd, POLLIN, 0};
        if (::poll(&readable, 1, 2000) <= 0) break;
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        have += static_cast<std::size_t>(n);
      }
      head.resize(head_end + 4);
    }
    {
      std::lock_guard lock(mutex_);
      heads_.push_back(head);
    }
    ScriptedConnection connection(fd);
    script_(index++, head, connection);
    ::close(fd);
  }
}

std::string header_value(const std::string& head, std::string_view name) {
  auto lower = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  std::string lowered = lower(head);
  std::string needle = "\r\n" + lower(std::string(name)) + ":";
  std::size_t at = lowered.find(needle);
  if (at == std::string::npos) return {};
  std::size_t start = at + needle.size();
  std::size_t end = head.find("\r\n", start);
  std::string value = head.substr(start, end - start);
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return value;
}

std::string request_target(const std::string& head) {
  std::size_t start = head.find(' ');
  if (start == std::string::npos) return {};
  std::size_t end = head.find(' ', start + 1);
  return head.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
}

}  // namespace pier::console_client::testing
