// Running the `tadamun` program from tests: one command to completion, capturing its exit code,
// stdout and stderr (through files in a scratch folder, so large outputs do not block).
//
// Not thread-safe for two runs sharing `scratch_dir`.
//
//   CliResult r = RunTadamun("init --node /tmp/n --name cert-test", "/tmp");
//   EXPECT_EQ(r.code, 0) << r.err;
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace tadamun::testing_cli {

struct CliResult {
  int code = -1;  // the exit code, or -1 when killed by a signal
  std::string out;
  std::string err;
};

struct CliOptions {
  std::string stdin_path = "/dev/null";
  std::string shell_prefix;  // shell text before the program: "cd DIR &&", "VAR=value"
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `<TADAMUN_CLI> ARGS` (ARGS is shell text); stdout and stderr go through
// scratch_dir/cli.out and scratch_dir/cli.err.
inline CliResult RunTadamun(const std::string& args, const std::string& scratch_dir,
                            const CliOptions& options = {}) {
  const std::string out = scratch_dir + "/cli.out";
  const std::string err = scratch_dir + "/cli.err";
  std::string cmd = options.shell_prefix + " " + std::string(TADAMUN_CLI) + " " + args + " >" +
                    out + " 2>" + err + " <" + options.stdin_path;
  int status = std::system(cmd.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

// The number of stored versions from `tadamun stats` output (its "versions" line); -1 when the
// output has none.
inline long StoredVersions(const std::string& stats_output) {
  std::istringstream in(stats_output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("versions", 0) != 0) continue;
    std::string digits;
    for (char c : line) {
      if (c >= '0' && c <= '9') digits += c;
    }
    return digits.empty() ? -1 : std::stol(digits);
  }
  return -1;
}

}  // namespace tadamun::testing_cli
