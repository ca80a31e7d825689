// The table of `pier` subcommands. Each entry adds its CLI11 subcommand and
// returns what runs when it is chosen. Listed explicitly in commands.cc (no
// static registration), so the binary's surface is one short list.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/error.h"

namespace pier::cli {

// Runs the chosen subcommand; returns the process exit status.
using Action = std::function<int()>;

struct Command {
  const char* name;
  const char* summary;
  std::function<Action(CLI::App& subcommand)> setup;
};

const std::vector<Command>& commands();

Action setup_version(CLI::App& app);
Action setup_render(CLI::App& app);
Action setup_catalog(CLI::App& app);
Action setup_clusters(CLI::App& app);
Action setup_apply(CLI::App& app);
Action setup_get(CLI::App& app);
Action setup_rollout(CLI::App& app);
Action setup_deploy(CLI::App& app);
Action setup_releases(CLI::App& app);
Action setup_history(CLI::App& app);
Action setup_diff(CLI::App& app);
Action setup_rollback(CLI::App& app);
Action setup_serve(CLI::App& app);
Action setup_lb(CLI::App& app);
Action setup_nginx_metrics(CLI::App& app);

// Prints "pier: error: ..." with every detail, returns the exit status for it.
int report_error(const ::pier::Error& error);

}  // namespace pier::cli
