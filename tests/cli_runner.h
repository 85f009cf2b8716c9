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

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `<TADAMUN_CLI> ARGS` (ARGS is shell text) with stdin from /dev/null.
inline CliResult RunTadamun(const std::string& args, const std::string& scratch_dir) {
  const std::string out = scratch_dir + "/cli.out";
  const std::string err = scratch_dir + "/cli.err";
  std::string cmd =
      std::string(TADAMUN_CLI) + " " + args + " >" + out + " 2>" + err + " </dev/null";
  int status = std::system(cmd.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

}  // namespace tadamun::testing_cli
