// Durable file operations for the audit log (internal to the audit module): positioned
// reads and writes, write-and-fsync, folder syncs, concurrent syncing, and the framing of the
// checkpoint history (u32be length || note || u32be length records).
//
// Plain POSIX; functions are thread-safe as far as the files they touch are not shared.
//
//   TADAMUN_RETURN_IF_ERROR(WriteAndSync(dir + "/tile/0/000", data));
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tadamun::audit {

std::string Parent(const std::string& path);
Status PWriteAll(int fd, std::string_view data, uint64_t offset, const std::string& path);
// DataLoss when the file ends before `len` bytes.
Status PReadAll(int fd, char* out, size_t len, uint64_t offset, const std::string& path);
// Creates the folders of `path` (0755), adding to `dirs_to_sync` every folder whose entries
// changed (so the new names can be made durable).
Status MakeParents(const std::string& path, std::set<std::string>* dirs_to_sync);
// Creates or truncates `path`, writes `data`, fsyncs.
Status WriteAndSync(const std::string& path, std::string_view data);
Status SyncDir(const std::string& dir);
// Runs the jobs on up to 16 threads (fsyncs of different files overlap and share journal
// commits) and returns the first error.
Status RunConcurrently(std::vector<std::function<Status()>> jobs);
// Replaces `path` by renaming a temporary file over it, without syncing: for files rebuilt
// from durable data after a crash (`checkpoint` from `checkpoints`).
Status ReplaceUnsynced(const std::string& path, std::string_view data);

std::string Be32(uint32_t v);
uint32_t ReadBe32(const char* p);

// The last complete record of the history file and the byte length of the valid prefix (a
// torn last record is not part of it).
struct HistoryTail {
  std::optional<std::string> last;
  uint64_t valid_bytes = 0;
};
StatusOr<HistoryTail> ReadHistoryTail(const std::string& path, size_t max_note);

}  // namespace tadamun::audit
