// Validate + render of the bundled jetty app's default sample, in-process,
// with the app loaded (templates compiled) once. bench/run puts this side by
// side with the Python pipeline (Jinja2 + jsonschema + PyYAML) doing the same.
#include <benchmark/benchmark.h>

#include <iostream>

#include "catalog/app.h"
#include "catalog/render.h"
#include "catalog/values.h"
#include "common/files.h"
#include "manifest/manifest_writer.h"
#include "manifest/object_checks.h"
#include "yamljson/yaml_to_json.h"
#include "yamljson/json_parse.h"

namespace {

using namespace pier;

struct Fixture {
  catalog::App app;
  catalog::RenderRequest request;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    auto app = catalog::load_app(PIER_SOURCE_DIR "/catalog/jetty");
    if (!app) {
      std::cerr << app.error().describe() << "\n";
      std::abort();
    }
    auto text = read_file(PIER_SOURCE_DIR "/catalog/jetty/samples/default.json");
    auto values = yamljson::parse_json(*text, "default.json");
    catalog::RenderRequest request;
    request.release_name = "jetty";
    request.namespace_name = "default";
    request.values.push_back(*values);
    return Fixture{std::move(*app), std::move(request)};
  }();
  return f;
}

// The whole pipeline: preset + values, defaults, schema validation, templates,
// YAML parse, identity/scope/name checks, strict OpenAPI validation, labels.
void BM_JettyValidateRender(benchmark::State& state) {
  const Fixture& f = fixture();
  const auto& schema = openapi::Schema::builtin();
  size_t objects = 0;
  for (auto _ : state) {
    auto rendered = catalog::render_release(f.app, f.request, schema);
    if (!rendered) state.SkipWithError(rendered.error().message.c_str());
    objects = rendered->objects.size();
    benchmark::DoNotOptimize(rendered);
  }
  state.counters["objects"] = static_cast<double>(objects);
  state.counters["renders_per_second"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_JettyValidateRender)->Unit(benchmark::kMicrosecond);

// The same plus writing the YAML stream, as `pier render` prints it.
void BM_JettyValidateRenderToYaml(benchmark::State& state) {
  const Fixture& f = fixture();
  const auto& schema = openapi::Schema::builtin();
  for (auto _ : state) {
    auto rendered = catalog::render_release(f.app, f.request, schema);
    if (!rendered) state.SkipWithError(rendered.error().message.c_str());
    std::string text = manifest::format_objects(rendered->objects, manifest::OutputFormat::kYaml);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_JettyValidateRenderToYaml)->Unit(benchmark::kMicrosecond);

// Parts, to see where the time goes.
void BM_JettyResolveValues(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) {
    auto values = catalog::resolve_values(f.app, f.request);
    benchmark::DoNotOptimize(values);
  }
}
BENCHMARK(BM_JettyResolveValues)->Unit(benchmark::kMicrosecond);

void BM_JettyDefaultsOnly(benchmark::State& state) {
  const Fixture& f = fixture();
  nlohmann::json given = f.app.presets.at("default");
  catalog::merge_values(given, f.request.values[0]);
  nlohmann::json extras = catalog::template_extras(f.app, f.request);
  for (auto _ : state) {
    auto values = f.app.defaults.apply(given, extras);
    benchmark::DoNotOptimize(values);
  }
}
BENCHMARK(BM_JettyDefaultsOnly)->Unit(benchmark::kMicrosecond);

void BM_JettySchemaValidationOnly(benchmark::State& state) {
  const Fixture& f = fixture();
  auto values = catalog::resolve_values(f.app, f.request);
  for (auto _ : state) {
    auto problems = f.app.validator.validate(*values);
    benchmark::DoNotOptimize(problems);
  }
}
BENCHMARK(BM_JettySchemaValidationOnly)->Unit(benchmark::kMicrosecond);

void BM_JettyTemplatesOnly(benchmark::State& state) {
  const Fixture& f = fixture();
  auto values = catalog::resolve_values(f.app, f.request);
  nlohmann::json context = *values;
  context.update(catalog::template_extras(f.app, f.request));
  for (auto _ : state) {
    for (const auto& t : f.app.templates) {
      auto text = t.compiled.render(context);
      benchmark::DoNotOptimize(text);
    }
  }
}
BENCHMARK(BM_JettyTemplatesOnly)->Unit(benchmark::kMicrosecond);

std::string rendered_text() {
  const Fixture& f = fixture();
  auto values = catalog::resolve_values(f.app, f.request);
  nlohmann::json context = *values;
  context.update(catalog::template_extras(f.app, f.request));
  std::string all;
  for (const auto& t : f.app.templates) all += *t.compiled.render(context) + "\n---\n";
  return all;
}

void BM_JettyYamlParse(benchmark::State& state) {
  std::string text = rendered_text();
  for (auto _ : state) {
    auto docs = yamljson::parse_yaml_documents(text, "x");
    benchmark::DoNotOptimize(docs);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_JettyYamlParse)->Unit(benchmark::kMicrosecond);

void BM_JettyObjectChecks(benchmark::State& state) {
  auto docs = yamljson::parse_yaml_documents(rendered_text(), "x");
  std::vector<manifest::SourcedObject> objects;
  for (auto& d : *docs)
    if (!d.value.is_null()) objects.push_back({d.value, "x", "x"});
  for (auto _ : state) {
    auto problems = manifest::check_objects(objects, openapi::Schema::builtin());
    benchmark::DoNotOptimize(problems);
  }
}
BENCHMARK(BM_JettyObjectChecks)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
