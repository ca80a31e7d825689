// A throwaway app folder for tests: write files into it, load it, and it is
// removed at the end of the test.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace pier::catalog::testing {

class TempApp {
 public:
  explicit TempApp(const std::string& name = "demo") {
    static std::atomic<int> counter{0};
    root_ = std::filesystem::temp_directory_path() /
            ("pier-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    dir_ = root_ / name;
    std::filesystem::create_directories(dir_ / "templates");
    write("app.yaml", "name: " + name + "\nversion: 1.0.0\ndescription: test app\n");
  }
  ~TempApp() { std::filesystem::remove_all(root_); }
  TempApp(const TempApp&) = delete;
  TempApp& operator=(const TempApp&) = delete;

  void write(const std::string& relative, const std::string& content) const {
    auto path = dir_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << content;
  }
  void remove(const std::string& relative) const { std::filesystem::remove(dir_ / relative); }

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& root() const { return root_; }
  std::string file(const std::string& relative) const { return (dir_ / relative).string(); }

 private:
  std::filesystem::path root_;
  std::filesystem::path dir_;
};

// A small but complete app: a ConfigMap and a Deployment from two groups.
inline void write_demo_app(const TempApp& app) {
  app.write("schema.json", R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "global": {
      "type": "object", "title": "Global",
      "properties": {
        "org": {"type": "string", "title": "Organisation", "minLength": 2, "default": "{{ global.org }}"},
        "registry": {"type": "string", "title": "Registry", "enum": ["reg.local:5000", "registry.example.com"], "default": "reg.local:5000"}
      }
    },
    "web": {
      "type": "object", "title": "Web",
      "required": ["image"],
      "properties": {
        "image": {"type": "string", "title": "Image", "minLength": 1},
        "version": {"type": "string", "title": "Version", "minLength": 3, "default": "1.0.0"},
        "replicas": {"type": "integer", "title": "Replicas", "minimum": 1, "maximum": 50, "default": 2},
        "host": {"type": "string", "title": "Host", "format": "hostname", "default": "{{ release.name }}.{{ global.org }}.example.com"},
        "xmx": {"type": "string", "title": "Max heap", "pattern": "^[0-9]+[mg]$", "default": "512m"},
        "xms": {"type": "string", "title": "Min heap", "pattern": "^[0-9]+[mg]$", "default": "{{ web.xmx }}"},
        "debug": {"type": "boolean", "title": "Debug", "default": "{{ global.org == 'dev' }}"},
        "password": {"type": "string", "title": "Password", "format": "password", "minLength": 8, "default": "changeme-please"}
      }
    }
  }
})");
  app.write("templates/00-config.yaml.j2", R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ release.name }}-config
  namespace: {{ release.namespace }}
data:
  JAVA_OPTS: {{ ("-Xms" ~ web.xms ~ " -Xmx" ~ web.xmx) | to_json }}
  HOST: {{ web.host | to_json }}
  DEBUG: {{ web.debug | string | lower | to_json }}
)");
  app.write("templates/10-deployment.yaml.j2", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ release.name }}
  namespace: {{ release.namespace }}
spec:
  replicas: {{ web.replicas }}
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ release.name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: {{ release.name }}
    spec:
      containers:
      - name: web
        image: {{ (global.registry ~ "/" ~ global.org ~ "/" ~ web.image ~ ":" ~ web.version) | to_json }}
)");
  app.write("presets/default.json", R"({"global": {"org": "shop"}})");
  app.write("presets/dev.json", R"({"global": {"org": "dev"}, "web": {"replicas": 1}})");
  app.write("samples/default.json", R"({"web": {"image": "web"}})");
}

}  // namespace pier::catalog::testing
