#include "store/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include "store/base64.h"

namespace pier::store {
namespace {

namespace fs = std::filesystem;

SecretBox box_with(char fill) { return SecretBox::from_key(std::string(32, fill)).value(); }

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "pier-secret-box-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(SecretBoxTest, RoundTrips) {
  SecretBox box = box_with('k');
  for (std::string plain : {std::string(), std::string("hunter2"), std::string(5000, 'x'), std::string("\0\xff", 2)}) {
    auto sealed = box.seal(plain);
    ASSERT_TRUE(sealed.has_value());
    EXPECT_TRUE(sealed->starts_with("v1:"));
    EXPECT_TRUE(SecretBox::looks_sealed(*sealed));
    auto opened = box.open(*sealed);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    EXPECT_EQ(*opened, plain);
  }
}

TEST(SecretBoxTest, SealingTwiceGivesDifferentTexts) {
  SecretBox box = box_with('k');
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) seen.insert(box.seal("same").value());
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(seen.begin()->find("same"), std::string::npos);
}

TEST(SecretBoxTest, DetectsEveryAlteredByte) {
  SecretBox box = box_with('k');
  std::string sealed = box.seal("hunter2").value();
  std::string raw = base64_decode(sealed.substr(3)).value();
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string altered = raw;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    auto opened = box.open("v1:" + base64_encode(altered));
    ASSERT_FALSE(opened.has_value()) << "byte " << i;
    EXPECT_EQ(opened.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(opened.error().message.find("hunter2"), std::string::npos);
  }
  // Truncated (the tag cut off) and extended.
  EXPECT_FALSE(box.open("v1:" + base64_encode(raw.substr(0, raw.size() - 1))).has_value());
  EXPECT_FALSE(box.open("v1:" + base64_encode(raw + "x")).has_value());
}

TEST(SecretBoxTest, WrongKeyCannotOpen) {
  std::string sealed = box_with('a').seal("hunter2").value();
  auto opened = box_with('b').open(sealed);
  ASSERT_FALSE(opened.has_value());
  EXPECT_NE(opened.error().message.find("cannot open it with this key"), std::string::npos);
  EXPECT_EQ(opened.error().message.find(sealed), std::string::npos);
}

TEST(SecretBoxTest, RefusesMalformedValues) {
  SecretBox box = box_with('k');
  for (std::string_view bad : {"", "hunter2", "v2:AAAA", "v1:not base64!", "v1:AAAA"}) {
    EXPECT_FALSE(box.open(bad).has_value()) << bad;
    EXPECT_FALSE(SecretBox::looks_sealed(bad)) << bad;
  }
  EXPECT_FALSE(SecretBox::from_key("short").has_value());
}

TEST(SecretBoxTest, KeyFileIsCreatedPrivateAndReused) {
  TempDir dir;
  fs::path file = dir.path() / "keys" / "secret.key";
  auto first = SecretBox::from_key_file(file);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto second = SecretBox::from_key_file(file);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->open(first->seal("x").value()).value(), "x");
  // Nothing left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()), 1);
}

TEST(SecretBoxTest, ConcurrentCreatorsAgreeOnOneKey) {
  TempDir dir;
  fs::path file = dir.path() / "secret.key";
  std::vector<std::optional<SecretBox>> boxes(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < boxes.size(); ++i)
    threads.emplace_back([&, i] {
      auto box = SecretBox::from_key_file(file);
      if (box) boxes[i].emplace(*box);
    });
  for (auto& t : threads) t.join();
  std::string sealed = boxes[0].value().seal("shared").value();
  for (const auto& box : boxes) {
    ASSERT_TRUE(box.has_value());
    EXPECT_EQ(box->open(sealed).value(), "shared");
  }
}

TEST(SecretBoxTest, KeyFileMayHoldRawBytesOrBase64) {
  TempDir dir;
  std::string key(32, '\x07');
  std::ofstream(dir.path() / "raw") << key;
  std::ofstream(dir.path() / "text") << "  " << base64_encode(key) << "\n";
  std::ofstream(dir.path() / "bad") << "too short";
  auto raw = SecretBox::from_key_file(dir.path() / "raw");
  auto text = SecretBox::from_key_file(dir.path() / "text");
  ASSERT_TRUE(raw.has_value());
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->open(raw->seal("x").value()).value(), "x");
  auto bad = SecretBox::from_key_file(dir.path() / "bad");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(bad.error().message.find("too short"), std::string::npos);
}

}  // namespace
}  // namespace pier::store
