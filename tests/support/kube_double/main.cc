// kube-api-double: the API server double as a process, for CLI tests and
// manual runs. Prints the kubeconfig path, serves until SIGTERM or SIGINT.
//
//   kube-api-double [--port N] [--dir DIR] [--token TOKEN] [--bookmark-interval-ms N]
//   KUBECONFIG=$(kube-api-double --dir /tmp/d | head -1) kubectl get ns
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include "api_server_double.h"

namespace {

int usage() {
  std::cerr << "usage: kube-api-double [--port N] [--dir DIR] [--token TOKEN] [--bookmark-interval-ms N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  pier::testing::DoubleOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) return usage();
    std::string value = argv[++i];
    try {
      if (arg == "--port") {
        options.port = static_cast<uint16_t>(std::stoi(value));
      } else if (arg == "--dir") {
        options.dir = value;
      } else if (arg == "--token") {
        options.token = value;
      } else if (arg == "--bookmark-interval-ms") {
        options.bookmark_interval = std::chrono::milliseconds(std::stoi(value));
      } else {
        return usage();
      }
    } catch (const std::exception&) {
      return usage();
    }
  }

  // Block the signals before the server thread starts, so that only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    pier::testing::ApiServerDouble api(options);
    std::cout << api.kubeconfig_path() << "\n" << api.url() << std::endl;
    int received = 0;
    sigwait(&signals, &received);
  } catch (const std::exception& e) {
    std::cerr << "kube-api-double: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
