// Env: the seam between Tadamun and the file system, so tests can run against memory.
//
// Env::Default() is the POSIX file system (thread-safe; lives for the whole process).
// MemEnv keeps files in a map (thread-safe with an internal mutex) for tests that need
// cheap fault injection. Paths are plain strings, '/'-separated.
//
//   TADAMUN_ASSIGN_OR_RETURN(std::string text, env->ReadFile(path, 64 << 20));
//   TADAMUN_RETURN_IF_ERROR(env->WriteFileAtomic(path, text, 0600));
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tadamun {

class Env {
 public:
  virtual ~Env() = default;

  // The real file system.
  static Env* Default();

  // Reads a whole file. NotFound if missing; ResourceExhausted if larger than max_bytes
  // (the message names the file, its size and the limit); PermissionDenied when unreadable.
  virtual StatusOr<std::string> ReadFile(const std::string& path, uint64_t max_bytes) = 0;

  // Replaces `path` with `data` so that a crash leaves either the old or the new content:
  // writes a temporary file beside it with `mode`, syncs it, renames it over, syncs the folder.
  virtual Status WriteFileAtomic(const std::string& path, std::string_view data, int mode) = 0;

  virtual bool Exists(const std::string& path) = 0;
  virtual StatusOr<uint64_t> FileSize(const std::string& path) = 0;

  // Creates a folder and its parents with `mode`; OK when it already exists.
  virtual Status CreateDirs(const std::string& path, int mode) = 0;

  // Names (not paths) of the entries of a folder, sorted.
  virtual StatusOr<std::vector<std::string>> ListDir(const std::string& path) = 0;
};

// In-memory Env for tests. Folders exist implicitly once a file below them is written or
// CreateDirs names them.
class MemEnv final : public Env {
 public:
  StatusOr<std::string> ReadFile(const std::string& path, uint64_t max_bytes) override;
  Status WriteFileAtomic(const std::string& path, std::string_view data, int mode) override;
  bool Exists(const std::string& path) override;
  StatusOr<uint64_t> FileSize(const std::string& path) override;
  Status CreateDirs(const std::string& path, int mode) override;
  StatusOr<std::vector<std::string>> ListDir(const std::string& path) override;

  // Fault injection: every later write fails with Unavailable while set.
  void SetWritesFail(bool fail);

 private:
  std::mutex mu_;
  std::map<std::string, std::string> files_;
  std::map<std::string, int> dirs_;
  bool writes_fail_ = false;
};

// Turns errno into a Status whose message is "<what> <path>: <strerror>".
Status ErrnoStatus(int err, std::string_view what, const std::string& path);

}  // namespace tadamun
