#include "crypto/node_key.h"

namespace tadamun::crypto {
namespace {

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

StatusOr<Signer> CreateNodeKey(Env* env, const std::string& dir, std::string_view name) {
  const std::string key_path = dir + "/" + kNodeKeyFile;
  if (env->Exists(key_path)) {
    return Status::AlreadyExists("node key " + key_path +
                                 " already exists; a key is never overwritten");
  }
  TADAMUN_ASSIGN_OR_RETURN(Signer signer, Signer::Generate(name));
  TADAMUN_RETURN_IF_ERROR(env->CreateDirs(dir, 0700));
  std::string secret = signer.PrivateKeyText() + "\n";
  Status written = env->WriteFileAtomic(key_path, secret, 0600);
  Wipe(&secret);
  TADAMUN_RETURN_IF_ERROR(written);
  TADAMUN_RETURN_IF_ERROR(
      env->WriteFileAtomic(dir + "/" + kNodePubFile, signer.verifier().ToString() + "\n", 0644));
  return signer;
}

StatusOr<Signer> LoadNodeKey(Env* env, const std::string& dir) {
  const std::string key_path = dir + "/" + kNodeKeyFile;
  auto text = env->ReadFile(key_path, 4096);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("no node key at " + key_path + "; run 'tadamun init' first");
    }
    return text.status();
  }
  std::string secret = Trimmed(std::move(text).value());
  auto signer = Signer::ParsePrivateKey(secret);
  Wipe(&secret);
  if (!signer.ok()) {
    return Status::DataLoss("node key " + key_path + " is damaged: " + signer.status().message());
  }
  const std::string pub_path = dir + "/" + kNodePubFile;
  if (env->Exists(pub_path)) {
    TADAMUN_ASSIGN_OR_RETURN(Verifier pub, LoadNodeVerifier(env, dir));
    if (pub.ToString() != signer->verifier().ToString()) {
      return Status::DataLoss(pub_path + " names a different key than " + key_path);
    }
  }
  return signer;
}

StatusOr<Verifier> LoadNodeVerifier(Env* env, const std::string& dir) {
  const std::string pub_path = dir + "/" + kNodePubFile;
  TADAMUN_ASSIGN_OR_RETURN(std::string text, env->ReadFile(pub_path, 4096));
  auto v = Verifier::Parse(Trimmed(std::move(text)));
  if (!v.ok()) return Status::DataLoss(pub_path + " is damaged: " + v.status().message());
  return v;
}

}  // namespace tadamun::crypto
