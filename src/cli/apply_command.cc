// pier apply -f FILE... [--dry-run] [--force-conflicts] [--prune-label SELECTOR]
#include <iostream>
#include <iterator>

#include "cli/cluster_flags.h"
#include "cli/commands.h"
#include "common/files.h"
#include "kube/apply_objects.h"
#include "manifest/manifest_reader.h"

namespace pier::cli {

namespace {

struct ApplyFlags {
  ClusterFlags cluster;
  std::vector<std::string> files;
  bool dry_run = false;
  bool force_conflicts = false;
  std::string prune_selector;
  std::string field_manager = "pier";
};

int run_apply(const ApplyFlags& flags) {
  kube::ApplyRequest request;
  for (const auto& file : flags.files) {
    std::string text;
    if (file == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      auto read = read_file(file);
      if (!read) return report_error(read.error());
      text = std::move(*read);
    }
    auto objects = manifest::read_manifests(text, file == "-" ? "<stdin>" : file);
    if (!objects) return report_error(objects.error());
    for (auto& object : *objects) request.objects.push_back(std::move(object));
  }
  if (request.objects.empty()) return report_error(Error::invalid("nothing to apply: the files hold no objects"));

  auto session = open_cluster(flags.cluster);
  if (!session) return report_error(session.error());
  request.default_namespace = session->namespace_name;
  request.options.dry_run = flags.dry_run;
  request.options.force = flags.force_conflicts;
  request.options.field_manager = flags.field_manager;
  request.prune_selector = flags.prune_selector;

  auto result = kube::apply_objects(*session->client, request, [](const std::string& line) { std::cout << line << std::endl; });
  if (!result) {
    Error error = result.error();
    if (error.code == ErrorCode::kConflict && !flags.force_conflicts && !error.details.empty())
      error.message += " (another field manager owns these fields; --force-conflicts takes them over)";
    return report_error(error);
  }
  return 0;
}

}  // namespace

Action setup_apply(CLI::App& app) {
  auto flags = std::make_shared<ApplyFlags>();
  flags->cluster.add_to(app);
  app.add_option("-f,--filename", flags->files, "manifest files (YAML stream, JSON object or List; - for stdin)")
      ->required();
  app.add_flag("--dry-run", flags->dry_run, "let the server compute the result (dryRun=All) and store nothing");
  app.add_flag("--force-conflicts", flags->force_conflicts, "take over fields that another field manager owns");
  app.add_option("--prune-label", flags->prune_selector,
                 "label selector: delete objects it matches that pier applied before and the files no longer have");
  app.add_option("--field-manager", flags->field_manager, "field manager name for server-side apply")
      ->capture_default_str();
  return [flags] { return run_apply(*flags); };
}

}  // namespace pier::cli
