#include "server/auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "http_client.h"
#include "server_fixture.h"

namespace pier::server {
namespace {

using ::testing::HasSubstr;

// The token store is someone else's: a table stands in for it.
Authenticator fake_tokens() {
  return [](std::string_view token) -> Result<Principal> {
    static const std::map<std::string, Principal, std::less<>> kTokens = {
        {"viewer-token", {"victor", Role::kViewer}},
        {"deployer-token", {"dana", Role::kDeployer}},
        {"admin-token", {"ada", Role::kAdmin}}};
    if (token == "db-down") return fail(Error::make(ErrorCode::kUnavailable, "token store unavailable", Retry::kYes));
    if (token == "explode") throw std::runtime_error("driver crashed");
    auto it = kTokens.find(token);
    if (it == kTokens.end()) return fail(Error::make(ErrorCode::kDenied, "unknown token"));
    return it->second;
  };
}

TEST(BearerToken, ParsesTheSchemeInAnyCase) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer   abc  "), "abc");
  EXPECT_EQ(bearer_token("Basic dXNlcjpwYXNz"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer "), std::nullopt);
  EXPECT_EQ(bearer_token("Bearerabc"), std::nullopt);
}

TEST(Roles, NamesAndOrder) {
  EXPECT_EQ(parse_role("deployer"), Role::kDeployer);
  EXPECT_EQ(parse_role("root"), std::nullopt);
  EXPECT_EQ(role_name(Role::kAdmin), "admin");
  EXPECT_LT(Role::kViewer, Role::kDeployer);
  EXPECT_LT(Role::kDeployer, Role::kAdmin);
}

TEST(Authorize, Outcomes) {
  Authenticator tokens = fake_tokens();
  auto deployer = Access::at_least(Role::kDeployer);

  auto ok = authorize(deployer, "Bearer admin-token", tokens);
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)->user, "ada");

  auto missing = authorize(deployer, std::nullopt, tokens);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 401);
  EXPECT_EQ(missing.error().header("WWW-Authenticate"), R"(Bearer realm="pier")");

  auto bad = authorize(deployer, "Bearer nope", tokens);
  EXPECT_EQ(bad.error().status, 401);
  EXPECT_EQ(bad.error().header("WWW-Authenticate"), R"(Bearer realm="pier", error="invalid_token")");

  auto low = authorize(deployer, "Bearer viewer-token", tokens);
  EXPECT_EQ(low.error().status, 403);
  EXPECT_THAT(low.error().body, HasSubstr("user victor has role viewer; this needs deployer"));

  auto down = authorize(deployer, "Bearer db-down", tokens);
  EXPECT_EQ(down.error().status, 503);
  EXPECT_EQ(down.error().header("Retry-After"), "5");

  auto thrown = authorize(deployer, "Bearer explode", tokens);
  EXPECT_EQ(thrown.error().status, 500);
  EXPECT_THAT(thrown.error().body, ::testing::Not(HasSubstr("driver crashed")));

  auto open = authorize(Access::anyone(), std::nullopt, tokens);
  ASSERT_TRUE(open);
  EXPECT_FALSE(open->has_value());
}

TEST(Authorize, WithoutAnAuthenticatorOnlyPublicRoutesAnswer) {
  EXPECT_EQ(authorize(Access::at_least(Role::kViewer), "Bearer x", Authenticator()).error().status, 401);
  EXPECT_TRUE(authorize(Access::anyone(), std::nullopt, Authenticator()));
}

class AuthServerTest : public testing::ServerTest {};

TEST_F(AuthServerTest, RoutesEnforceTheirRoleAndHandlersSeeThePrincipal) {
  router_.set_authenticator(fake_tokens());
  router_.post("/api/v1/deploy", [](const Request& request) {
    return Response::json(200, {{"user", request.principal->user}, {"role", role_name(request.principal->role)}});
  }, Access::at_least(Role::kDeployer));
  start();

  testing::ClientRequest request;
  request.method = "POST";
  request.url = url("/api/v1/deploy");
  request.body = "{}";
  auto anonymous = testing::send(request);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.header("www-authenticate"), R"(Bearer realm="pier")");

  request.headers = {"Authorization: Bearer viewer-token"};
  EXPECT_EQ(testing::send(request).status, 403);

  request.headers = {"Authorization: Bearer wrong"};
  EXPECT_EQ(testing::send(request).status, 401);

  request.headers = {"Authorization: Bearer deployer-token"};
  auto allowed = testing::send(request);
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.body, R"({"role":"deployer","user":"dana"})");
}

}  // namespace
}  // namespace pier::server
