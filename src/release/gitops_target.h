// A release's target that is a directory, for running without a cluster
// and for teams whose Argo CD or Flux applies what is committed: each
// release is `ROOT/<cluster>/<namespace>/<release>/`, one file per object
// named and written as `pier render --output-dir` does
// (`03-deployment-shop-web.yaml`, in apply order).
//
//   GitopsTarget target("/srv/gitops", "prod-bj");
//   auto outcome = deploy(request, target, emit, stop);
//   // /srv/gitops/prod-bj/shop/shop-web/00-configmap-shop-web.yaml ...
//
// A release directory changes as a whole: apply() writes each object into
// a staging directory next to it (`.<release>.staging`, started afresh by
// the first apply), commit() swaps the two with one rename (renameat2
// RENAME_EXCHANGE; where the filesystem lacks it, two renames, so that for
// a moment there is no directory, never a half-written one) and deletes
// the old one. Files of objects the release no longer has go with it, so
// remove() has nothing to do. A deploy that stops before commit leaves the
// release directory as it was (and a staging directory the next deploy
// replaces). The "live" state diffs compare with is what the release
// directory holds; wait_ready() is immediate.
#pragma once

#include <filesystem>
#include <string>

#include "release/target.h"

namespace pier::release {

class GitopsTarget final : public Target {
 public:
  GitopsTarget(std::filesystem::path root, std::string cluster_name);

  std::filesystem::path release_dir(const ReleaseRef& release) const;
  // The objects of the release directory (none when it does not exist).
  Result<ManifestSet> read_release(const ReleaseRef& release) const;

  std::string describe() const override;
  Result<std::vector<ObjectDiff>> live_diff(const ReleasePlan& plan, const ApplySettings& settings) override;
  Result<void> apply(const ReleasePlan& plan, size_t index, const ApplySettings& settings) override;
  Result<void> remove(const ReleasePlan& plan, size_t index) override;
  Result<void> commit(const ReleasePlan& plan) override;
  ReadyOutcome wait_ready(const ReleasePlan& plan, const EventSink& emit, std::chrono::milliseconds timeout,
                          std::stop_token stop) override;

 private:
  Result<std::filesystem::path> checked_release_dir(const ReleaseRef& release) const;
  std::filesystem::path staging_dir(const std::filesystem::path& release_dir) const;

  std::filesystem::path root_;
  std::string cluster_name_;
};

}  // namespace pier::release
