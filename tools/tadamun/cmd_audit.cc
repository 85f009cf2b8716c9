// tadamun audit log | checkpoint | prove | verify | verify-proof | add-cosignatures: the
// node's tamper-evident log (audit/log.h), read with the node's public key.
#include <cstdio>

#include "audit/entry.h"
#include "audit/log.h"
#include "audit/node_audit.h"
#include "audit/tlog_proof.h"
#include "audit/verify.h"
#include "base/encoding.h"
#include "command.h"
#include "crypto/node_key.h"

namespace tadamun::cli {
namespace {

std::string AuditDir(const Invocation& inv) { return inv.node_dir + "/audit"; }
std::string KeysDir(const Invocation& inv) { return inv.node_dir + "/keys"; }

StatusOr<uint64_t> NumberFlag(const Invocation& inv, const std::string& name) {
  auto v = inv.Value(name);
  if (!v) return Status::NotFound("--" + name + " not given");
  return audit::ParseDecimal(*v, "--" + name);
}

// Opens the log read-only with the node's public key; prints why on failure.
std::unique_ptr<audit::Log> OpenAudit(const Invocation& inv) {
  auto log = audit::OpenNodeAuditReader(Env::Default(), inv.node_dir);
  if (!log.ok()) {
    Fail(log.status());
    return nullptr;
  }
  return std::move(log).value();
}

std::string Describe(std::string_view bytes) {
  auto entry = audit::DecodeEntry(bytes);
  if (entry.ok()) return audit::DescribeEntry(*entry);
  return "(" + std::to_string(bytes.size()) + " bytes, not a tadamun audit entry)";
}

int RunLog(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  if (inv.Has("raw") && !inv.Has("index")) return UsageError(inv, "--raw needs --index N");
  auto log = OpenAudit(inv);
  if (!log) return 1;
  if (inv.Has("index")) {
    auto index = NumberFlag(inv, "index");
    if (!index.ok()) return UsageError(inv, index.status().message());
    auto bytes = log->ReadEntry(*index);
    if (!bytes.ok()) return Fail(bytes.status());
    if (inv.Has("raw")) {
      std::fwrite(bytes->data(), 1, bytes->size(), stdout);
      return 0;
    }
    std::printf("index      %llu\nleaf hash  %s\nbytes      %zu\n\n", static_cast<unsigned long long>(*index),
                audit::HashHex(audit::HashLeaf(*bytes)).c_str(), bytes->size());
    if (audit::DecodeEntry(*bytes).ok()) {
      std::fwrite(bytes->data(), 1, bytes->size(), stdout);
    } else {
      std::printf("%s\n", HexEncode(*bytes).c_str());
    }
    return 0;
  }
  uint64_t from = 0, size = log->size();
  if (inv.Has("from")) {
    auto f = NumberFlag(inv, "from");
    if (!f.ok()) return UsageError(inv, f.status().message());
    from = std::min(*f, size);
  }
  uint64_t end = size;
  if (inv.Has("limit")) {
    auto l = NumberFlag(inv, "limit");
    if (!l.ok()) return UsageError(inv, l.status().message());
    end = std::min(size, from + *l);
  }
  Status s = log->ForEachEntry(from, end, [](uint64_t i, std::string_view bytes) {
    std::printf("%llu\t%s\n", static_cast<unsigned long long>(i), Describe(bytes).c_str());
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  std::fprintf(stderr, "%llu of %llu entries shown (log %s, signed size %llu)\n",
               static_cast<unsigned long long>(end - from), static_cast<unsigned long long>(size),
               log->origin().c_str(), static_cast<unsigned long long>(size));
  return 0;
}

int RunCheckpoint(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  auto log = OpenAudit(inv);
  if (!log) return 1;
  std::string note = log->Latest().note.Format();
  std::fwrite(note.data(), 1, note.size(), stdout);
  return 0;
}

int RunProve(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  auto index = NumberFlag(inv, "index");
  if (!index.ok()) return UsageError(inv, index.status().message());
  auto log = OpenAudit(inv);
  if (!log) return 1;
  std::string checkpoint = log->Latest().note.Format();
  uint64_t size = log->size();
  if (inv.Has("size")) {
    auto pinned = NumberFlag(inv, "size");
    if (!pinned.ok()) return UsageError(inv, pinned.status().message());
    // The proof must come with a checkpoint the log signed at exactly that size.
    std::string found;
    Status s = log->ForEachSignedCheckpoint([&](const std::string& note) {
      auto cp = audit::OpenCheckpoint(note, {log->verifier()});
      if (cp.ok() && cp->checkpoint.size == *pinned) found = note;
      return Status::Ok();
    });
    if (!s.ok()) return Fail(s);
    if (found.empty()) return Fail("the log never signed a checkpoint at size " + std::to_string(*pinned));
    checkpoint = found;
    size = *pinned;
  }
  audit::TlogProof proof;
  proof.index = *index;
  auto entry = log->ReadEntry(*index);
  if (!entry.ok()) return Fail(entry.status());
  if (*index >= size) {
    return Fail("entry " + std::to_string(*index) + " is not in the tree of size " + std::to_string(size));
  }
  proof.extra = *entry;
  auto path = log->ProveInclusion(*index, size);
  if (!path.ok()) return Fail(path.status());
  proof.proof = std::move(path).value();
  proof.checkpoint = checkpoint;
  std::string text = audit::FormatTlogProof(proof);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

int RunVerify(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  auto key = crypto::LoadNodeVerifier(Env::Default(), KeysDir(inv));
  if (!key.ok()) return Fail(key.status());
  auto report = audit::VerifyLogFolder(AuditDir(inv), *key);
  if (!report.ok()) return Fail(report.status());
  if (!report->ok()) {
    std::printf("FAILED: %s\nfirst bad index: %llu\n", report->problem.c_str(),
                static_cast<unsigned long long>(report->first_bad_index.value_or(0)));
    return 1;
  }
  std::printf("OK: %llu entries, %llu signed checkpoints and %llu hash tiles recomputed and checked\n",
              static_cast<unsigned long long>(report->entries),
              static_cast<unsigned long long>(report->checkpoints),
              static_cast<unsigned long long>(report->tiles));
  return 0;
}

StatusOr<std::vector<crypto::Verifier>> Keys(const std::vector<std::string>& texts, bool cosigners) {
  std::vector<crypto::Verifier> keys;
  for (const std::string& t : texts) {
    TADAMUN_ASSIGN_OR_RETURN(crypto::Verifier v, crypto::Verifier::Parse(t));
    if (cosigners) {
      TADAMUN_ASSIGN_OR_RETURN(v, v.AsCosignatureV1());
    }
    keys.push_back(std::move(v));
  }
  return keys;
}

int RunVerifyProof(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "needs the proof FILE (or - for stdin)");
  if (!inv.Has("key")) return UsageError(inv, "needs --key VKEY, the log's verifier key");
  auto text = ReadInput(inv.positionals[0], 1 << 20);
  if (!text.ok()) return Fail(text.status());
  auto keys = Keys(inv.Values("key"), false);
  if (!keys.ok()) return UsageError(inv, keys.status().message());
  auto witnesses = Keys(inv.Values("witness"), true);
  if (!witnesses.ok()) return UsageError(inv, witnesses.status().message());
  keys->insert(keys->end(), witnesses->begin(), witnesses->end());
  std::optional<std::string> entry;
  if (auto path = inv.Value("entry")) {
    auto bytes = ReadInput(*path, 65535);
    if (!bytes.ok()) return Fail(bytes.status());
    entry = std::move(bytes).value();
  }
  auto verified = audit::VerifyTlogProof(*text, *keys,
                                         entry ? std::optional<std::string_view>(*entry) : std::nullopt);
  if (!verified.ok()) {
    std::printf("INVALID: %s\n", verified.status().message().c_str());
    return 1;
  }
  size_t cosigs = 0;
  for (const auto& s : verified->checkpoint.verified) cosigs += s.timestamp.has_value();
  if (cosigs < inv.Values("witness").size()) {
    std::printf("INVALID: %zu of %zu required witness cosignatures present\n", cosigs,
                inv.Values("witness").size());
    return 1;
  }
  std::printf("OK: entry %llu is in %s at tree size %llu (%zu witness cosignature%s)\n%s\n",
              static_cast<unsigned long long>(verified->proof.index),
              verified->checkpoint.checkpoint.origin.c_str(),
              static_cast<unsigned long long>(verified->checkpoint.checkpoint.size), cosigs,
              cosigs == 1 ? "" : "s", Describe(verified->entry).c_str());
  return 0;
}

int RunAddCosignatures(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "needs the cosigned checkpoint FILE");
  if (!inv.Has("witness")) return UsageError(inv, "needs --witness VKEY for each trusted witness");
  auto text = ReadInput(inv.positionals[0], 1 << 20);
  if (!text.ok()) return Fail(text.status());
  auto witnesses = Keys(inv.Values("witness"), false);
  if (!witnesses.ok()) return UsageError(inv, witnesses.status().message());
  auto log = audit::OpenNodeAudit(Env::Default(), inv.node_dir);
  if (!log.ok()) return Fail(log.status());
  auto added = (*log)->AddCosignatures(*text, *witnesses);
  if (!added.ok()) return Fail(added.status());
  for (const std::string& name : *added) std::printf("stored cosignature from %s\n", name.c_str());
  if (added->empty()) std::printf("no new cosignatures\n");
  return 0;
}

const Registration kLog({
    .name = "audit log",
    .summary = "list the audit log's entries, or print one",
    .help = "Lists entries as 'INDEX<TAB>kind time fields'. --index N prints one entry with its\n"
            "leaf hash; with --raw, only its exact bytes, so anyone can recompute\n"
            "SHA-256(0x00 || bytes) and check it against a proof.",
    .flags = {{"index", "N", "print entry N"},
              {"raw", "", "with --index: print the exact entry bytes only"},
              {"from", "N", "list from entry N (default 0)"},
              {"limit", "N", "list at most N entries"}},
    .run = RunLog,
});

const Registration kCheckpoint({
    .name = "audit checkpoint",
    .summary = "print the latest signed checkpoint (C2SP signed note)",
    .run = RunCheckpoint,
});

const Registration kProve({
    .name = "audit prove",
    .summary = "print a C2SP tlog-proof that entry N is in the log",
    .help = "Prints c2sp.org/tlog-proof@v1 text: the entry bytes as 'extra', the index, the\n"
            "inclusion proof and the signed checkpoint. Check it with\n"
            "'tadamun audit verify-proof FILE --key VKEY'.",
    .flags = {{"index", "N", "the entry to prove (required)"},
              {"size", "S", "prove against the signed checkpoint of size S (default: latest)"}},
    .run = RunProve,
});

const Registration kVerify({
    .name = "audit verify",
    .summary = "recompute the whole log and check every signed checkpoint",
    .help = "Recomputes every leaf and node hash from the entries and compares them with the\n"
            "stored tree, the hash tiles and the root of every checkpoint the node signed.\n"
            "Exit 1 and the first bad entry index when anything differs.",
    .run = RunVerify,
});

const Registration kVerifyProof({
    .name = "audit verify-proof",
    .args = "FILE|-",
    .summary = "verify a C2SP tlog-proof offline against a log's key",
    .flags = {{"key", "VKEY", "the log's verifier key (from 'tadamun key show')", true},
              {"witness", "VKEY", "a witness key whose cosignature is required", true},
              {"entry", "FILE", "the entry bytes (default: the proof's extra data)"}},
    .run = RunVerifyProof,
    .uses_node = false,
});

const Registration kAddCosignatures({
    .name = "audit add-cosignatures",
    .args = "FILE|-",
    .summary = "verify and store witness cosignatures of one of this node's checkpoints",
    .help = "FILE is a checkpoint of this log with cosignature lines appended (for example the\n"
            "checkpoint followed by a tlog-witness add-checkpoint response). Cosignatures from\n"
            "the given witness keys are verified and kept with the checkpoint.",
    .flags = {{"witness", "VKEY", "a trusted witness key", true}},
    .run = RunAddCosignatures,
});

}  // namespace
}  // namespace tadamun::cli
