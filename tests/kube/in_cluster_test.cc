#include "kube/in_cluster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.h"

namespace pier::kube {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class InClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pier-in-cluster-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    source_.service_host = "10.96.0.1";
    source_.service_port = "443";
    source_.account_dir = dir_;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) { ASSERT_TRUE(write_file_atomic(dir_ / name, text)); }

  fs::path dir_;
  InClusterSource source_;
};

TEST_F(InClusterTest, ServiceAccountFiles) {
  write("token", "eyJ...");
  write("ca.crt", "CA PEM");
  write("namespace", "shop\n");
  ASSERT_TRUE(source_.available());
  auto config = in_cluster_config(source_);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->context_name, "in-cluster");
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->certificate_authority.file, (dir_ / "ca.crt").string());
  EXPECT_EQ(config->token_file, (dir_ / "token").string());  // read (and re-read) by the credentials
  EXPECT_EQ(config->token, "");
  EXPECT_EQ(config->namespace_name, "shop");
}

TEST_F(InClusterTest, Ipv6ServiceAddressIsBracketed) {
  write("token", "t");
  write("ca.crt", "CA");
  source_.service_host = "fd00::1";
  auto config = in_cluster_config(source_);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->server, "https://[fd00::1]:443");
  EXPECT_EQ(config->namespace_name, "default");  // no namespace file
}

TEST_F(InClusterTest, NotAvailableOutsideAPod) {
  write("token", "t");
  InClusterSource no_env = source_;
  no_env.service_host.clear();
  EXPECT_FALSE(no_env.available());
  auto config = in_cluster_config(no_env);
  ASSERT_FALSE(config);
  EXPECT_THAT(config.error().message, HasSubstr("KUBERNETES_SERVICE_HOST"));

  InClusterSource no_token = source_;
  no_token.account_dir = dir_ / "elsewhere";
  EXPECT_FALSE(no_token.available());
}

TEST_F(InClusterTest, MissingCaIsAnError) {
  write("token", "t");
  auto config = in_cluster_config(source_);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(config.error().message, HasSubstr("ca.crt"));
}

}  // namespace
}  // namespace pier::kube
