#include "audit/durable_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <thread>

#include "base/env.h"

namespace tadamun::audit {

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

Status PWriteAll(int fd, std::string_view data, uint64_t offset, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done,
                         static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "cannot write", path);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status PReadAll(int fd, char* out, size_t len, uint64_t offset, const std::string& path) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = ::pread(fd, out + done, len - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "cannot read", path);
    }
    if (n == 0) return Status::DataLoss(path + " ends early at byte " + std::to_string(offset + done));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status MakeParents(const std::string& path, std::set<std::string>* dirs_to_sync) {
  std::string dir = Parent(path);
  std::vector<std::string> missing;
  for (std::string d = dir; !d.empty() && d != "." && d != "/"; d = Parent(d)) {
    struct stat st;
    if (::stat(d.c_str(), &st) == 0) break;
    missing.push_back(d);
  }
  for (size_t i = missing.size(); i-- > 0;) {
    if (::mkdir(missing[i].c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, "cannot create folder", missing[i]);
    }
    dirs_to_sync->insert(Parent(missing[i]));
  }
  dirs_to_sync->insert(dir);
  return Status::Ok();
}

Status WriteAndSync(const std::string& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "cannot create", path);
  Status s = PWriteAll(fd, data, 0, path);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(errno, "cannot sync", path);
  ::close(fd);
  return s;
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open folder", dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : ErrnoStatus(err, "cannot sync folder", dir);
}

Status RunConcurrently(std::vector<std::function<Status()>> jobs) {
  if (jobs.size() == 1) return jobs[0]();
  std::vector<Status> results(jobs.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) results[i] = jobs[i]();
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::min<size_t>(jobs.size(), 16); ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  for (Status& s : results) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status ReplaceUnsynced(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "cannot create", tmp);
  Status s = PWriteAll(fd, data, 0, tmp);
  ::close(fd);
  TADAMUN_RETURN_IF_ERROR(s);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return ErrnoStatus(errno, "cannot rename onto", path);
  return Status::Ok();
}

std::string Be32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 3; i >= 0; --i, v >>= 8) s[i] = static_cast<char>(v & 0xFF);
  return s;
}

uint32_t ReadBe32(const char* p) {
  return (uint32_t{static_cast<unsigned char>(p[0])} << 24) |
         (uint32_t{static_cast<unsigned char>(p[1])} << 16) |
         (uint32_t{static_cast<unsigned char>(p[2])} << 8) | uint32_t{static_cast<unsigned char>(p[3])};
}

StatusOr<HistoryTail> ReadHistoryTail(const std::string& path, size_t max_note) {
  HistoryTail tail;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return tail;
    return ErrnoStatus(errno, "cannot open", path);
  }
  struct stat st;
  ::fstat(fd, &st);
  uint64_t size = static_cast<uint64_t>(st.st_size);
  // Fast path: the last record, read from its trailer.
  if (size >= 8) {
    char len_buf[4];
    if (PReadAll(fd, len_buf, 4, size - 4, path).ok()) {
      uint32_t len = ReadBe32(len_buf);
      if (len <= max_note && uint64_t{len} + 8 <= size) {
        std::string rec(len + 8, '\0');
        if (PReadAll(fd, rec.data(), rec.size(), size - rec.size(), path).ok() &&
            ReadBe32(rec.data()) == len) {
          tail.last = rec.substr(4, len);
          tail.valid_bytes = size;
          ::close(fd);
          return tail;
        }
      }
    }
  }
  // Slow path (a torn last record): walk from the start, keep the valid prefix.
  uint64_t pos = 0;
  while (pos + 8 <= size) {
    char len_buf[4];
    if (!PReadAll(fd, len_buf, 4, pos, path).ok()) break;
    uint32_t len = ReadBe32(len_buf);
    if (len > max_note || pos + 8 + len > size) break;
    std::string rec(len + 4, '\0');
    if (!PReadAll(fd, rec.data(), rec.size(), pos + 4, path).ok()) break;
    if (ReadBe32(rec.data() + len) != len) break;
    tail.last = rec.substr(0, len);
    pos += 8 + len;
  }
  tail.valid_bytes = pos;
  ::close(fd);
  return tail;
}

}  // namespace tadamun::audit
