// Each kind of problem, with its exact path and message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "openapi/validator.h"
#include "test_util.h"

namespace pier::openapi {
namespace {

using testing::builtin_problems;
using testing::load_manifest;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using json = nlohmann::json;

json deployment() { return load_manifest("deployment.json"); }
json& pod_spec(json& d) { return d["spec"]["template"]["spec"]; }
json& container(json& d) { return pod_spec(d)["containers"][0]; }

TEST(ValidatorTest, WrongType) {
  auto d = deployment();
  d["spec"]["replicas"] = "3";
  EXPECT_THAT(builtin_problems(d), ElementsAre("spec.replicas: expected integer, got string \"3\""));
}

TEST(ValidatorTest, UnknownFieldWithSuggestion) {
  auto d = deployment();
  pod_spec(d)["containerz"] = pod_spec(d)["containers"];
  pod_spec(d).erase("containers");
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("spec.template.spec.containerz: unknown field \"containerz\" (did you mean \"containers\"?)",
                          "spec.template.spec.containers: required field missing"));
}

TEST(ValidatorTest, UnknownFieldWithoutSuggestion) {
  auto d = deployment();
  d["spec"]["flavour"] = "vanilla";
  EXPECT_THAT(builtin_problems(d), ElementsAre("spec.flavour: unknown field \"flavour\""));
}

TEST(ValidatorTest, UnknownTopLevelField) {
  auto d = deployment();
  d["specs"] = json::object();
  EXPECT_THAT(builtin_problems(d), ElementsAre("specs: unknown field \"specs\" (did you mean \"spec\"?)"));
}

TEST(ValidatorTest, RequiredFieldMissing) {
  auto d = deployment();
  d["spec"].erase("selector");
  container(d).erase("name");
  EXPECT_THAT(builtin_problems(d), ElementsAre("spec.template.spec.containers[0].name: required field missing",
                                               "spec.selector: required field missing"));
}

TEST(ValidatorTest, InvalidQuantity) {
  auto d = deployment();
  container(d)["resources"]["limits"]["memory"] = "1Gb";
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("spec.template.spec.containers[0].resources.limits.memory: invalid quantity \"1Gb\": expected a "
                          "number with an optional suffix (Ki, Mi, Gi, Ti, Pi, Ei, n, u, m, k, M, G, T, P, E or an "
                          "exponent)"));
}

TEST(ValidatorTest, QuantityAcceptsNumbersAndSurroundingSpace) {
  auto d = deployment();
  container(d)["resources"]["limits"]["cpu"] = 0.5;
  container(d)["resources"]["requests"]["memory"] = " 128Mi ";
  EXPECT_THAT(builtin_problems(d), IsEmpty());
  container(d)["resources"]["requests"]["cpu"] = true;
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("spec.template.spec.containers[0].resources.requests.cpu: expected quantity (a string like "
                          "\"500m\" or \"1Gi\", or a number), got boolean true"));
}

TEST(ValidatorTest, AllProblemsAreReported) {
  auto d = deployment();
  d["spec"]["replicas"] = "3";
  d["spec"]["paused"] = "false";
  d["spec"].erase("selector");
  d["metadata"]["labels"]["app.kubernetes.io/version"] = 1.5;
  container(d)["ports"][0]["hostIp"] = "1.2.3.4";
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("metadata.labels[\"app.kubernetes.io/version\"]: expected string, got number 1.5",
                          "spec.paused: expected boolean, got string \"false\"",
                          "spec.replicas: expected integer, got string \"3\"",
                          "spec.template.spec.containers[0].ports[0].hostIp: unknown field \"hostIp\" (did you mean "
                          "\"hostIP\"?)",
                          "spec.selector: required field missing"));
}

TEST(ValidatorTest, ManyProblemsInOneContainer) {
  auto d = deployment();
  container(d)["ports"][0]["containerPort"] = "8080";
  container(d)["imagePullPolicy"] = json::array();
  container(d)["resources"]["limits"]["cpu"] = "one";
  container(d)["securityContext"]["runAsNonRoot"] = "true";
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("spec.template.spec.containers[0].imagePullPolicy: expected string, got array",
                          "spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string \"8080\"",
                          "spec.template.spec.containers[0].resources.limits.cpu: invalid quantity \"one\": expected a "
                          "number with an optional suffix (Ki, Mi, Gi, Ti, Pi, Ei, n, u, m, k, M, G, T, P, E or an "
                          "exponent)",
                          "spec.template.spec.containers[0].securityContext.runAsNonRoot: expected boolean, got string "
                          "\"true\""));
}

TEST(ValidatorTest, IntegralFloatsAreIntegers) {
  auto d = deployment();
  d["spec"]["replicas"] = 3.0;
  d["spec"]["progressDeadlineSeconds"] = 1e3;
  EXPECT_THAT(builtin_problems(d), IsEmpty());
  d["spec"]["replicas"] = 2.5;
  EXPECT_THAT(builtin_problems(d), ElementsAre("spec.replicas: expected integer, got number 2.5"));
}

TEST(ValidatorTest, IntegerRanges) {
  auto d = deployment();
  d["spec"]["replicas"] = 3000000000;  // int32
  d["metadata"]["generation"] = 3000000000;  // int64
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("spec.replicas: integer 3000000000 is out of range for int32 (-2147483648 to 2147483647)"));
  d["spec"]["replicas"] = -2147483648;
  d["metadata"]["generation"] = 18446744073709551615u;
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("metadata.generation: integer 18446744073709551615 is out of range for int64 "
                          "(-9223372036854775808 to 9223372036854775807)"));
  d["metadata"]["generation"] = 1;
  d["spec"]["replicas"] = 2147483648.0;
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("spec.replicas: number 2147483648.0 is out of range for int32 (-2147483648 to 2147483647)"));
}

TEST(ValidatorTest, IntOrString) {
  auto d = deployment();
  container(d)["readinessProbe"]["tcpSocket"]["port"] = "http";
  d["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = 1.0;
  EXPECT_THAT(builtin_problems(d), IsEmpty());
  container(d)["readinessProbe"]["tcpSocket"]["port"] = 80.5;
  d["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = true;
  d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] = 4294967296;
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("spec.strategy.rollingUpdate.maxSurge: expected integer or string, got boolean true",
                          "spec.strategy.rollingUpdate.maxUnavailable: integer 4294967296 is out of range for int32 "
                          "(-2147483648 to 2147483647)",
                          "spec.template.spec.containers[0].readinessProbe.tcpSocket.port: expected integer or string, "
                          "got number 80.5"));
}

TEST(ValidatorTest, BooleansAreNotStrings) {
  auto d = deployment();
  pod_spec(d)["automountServiceAccountToken"] = "true";
  pod_spec(d)["hostNetwork"] = 1;
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("spec.template.spec.automountServiceAccountToken: expected boolean, got string \"true\"",
                          "spec.template.spec.hostNetwork: expected boolean, got integer 1"));
}

TEST(ValidatorTest, NullForAnOptionalFieldIsAccepted) {
  auto d = deployment();
  d["spec"]["replicas"] = nullptr;
  d["metadata"]["annotations"] = nullptr;
  container(d)["resources"] = nullptr;
  EXPECT_THAT(builtin_problems(d), IsEmpty());
}

TEST(ValidatorTest, NullForARequiredFieldIsAProblem) {
  auto d = deployment();
  d["spec"]["selector"] = nullptr;
  EXPECT_THAT(builtin_problems(d), ElementsAre("spec.selector: required field is null"));
}

TEST(ValidatorTest, NullInAMapOrListIsAProblem) {
  auto d = deployment();
  d["metadata"]["labels"]["tier"] = nullptr;
  container(d)["args"].push_back(nullptr);
  pod_spec(d)["containers"].push_back(nullptr);
  EXPECT_THAT(builtin_problems(d), ElementsAre("metadata.labels.tier: expected string, got null",
                                               "spec.template.spec.containers[0].args[1]: expected string, got null",
                                               "spec.template.spec.containers[1]: expected object, got null"));
}

TEST(ValidatorTest, MapValuesAreChecked) {
  auto d = deployment();
  d["metadata"]["annotations"]["replicas"] = 3;
  pod_spec(d)["nodeSelector"] = json::array({"linux"});
  EXPECT_THAT(builtin_problems(d), ElementsAre("metadata.annotations.replicas: expected string, got integer 3",
                                               "spec.template.spec.nodeSelector: expected object, got array"));
}

TEST(ValidatorTest, Base64Data) {
  auto s = load_manifest("secret.json");
  s["data"]["password"] = "not base64!";
  EXPECT_THAT(builtin_problems(s),
              ElementsAre("data.password: invalid base64: expected standard base64 (A-Z, a-z, 0-9, '+', '/', padded "
                          "with '=')"));
}

TEST(ValidatorTest, RequiredFieldsOfOtherKinds) {
  auto svc = load_manifest("service.json");
  svc["spec"]["ports"][1].erase("port");
  auto hpa = load_manifest("hpa.json");
  hpa["spec"].erase("maxReplicas");
  hpa["spec"]["metrics"][0]["resource"].erase("target");
  auto ing = load_manifest("ingress.json");
  ing["spec"]["rules"][0]["http"]["paths"][0].erase("pathType");
  EXPECT_THAT(builtin_problems(svc), ElementsAre("spec.ports[1].port: required field missing"));
  EXPECT_THAT(builtin_problems(hpa), ElementsAre("spec.metrics[0].resource.target: required field missing",
                                                 "spec.maxReplicas: required field missing"));
  EXPECT_THAT(builtin_problems(ing), ElementsAre("spec.rules[0].http.paths[0].pathType: required field missing"));
}

TEST(ValidatorTest, LongStringsAreCutInMessages) {
  auto d = deployment();
  d["spec"]["replicas"] = std::string(100, 'x');
  EXPECT_THAT(builtin_problems(d),
              ElementsAre("spec.replicas: expected integer, got string \"" + std::string(60, 'x') + "\"..."));
}

TEST(ValidatorTest, DescribeValue) {
  EXPECT_EQ(describe_value(nullptr), "null");
  EXPECT_EQ(describe_value(false), "boolean false");
  EXPECT_EQ(describe_value(-3), "integer -3");
  EXPECT_EQ(describe_value(2.5), "number 2.5");
  EXPECT_EQ(describe_value("a\"b"), "string \"a\\\"b\"");
  EXPECT_EQ(describe_value(json::object()), "object");
  EXPECT_EQ(describe_value(json::array()), "array");
  EXPECT_EQ(describe_value(std::string("\xff")), "string \"\xEF\xBF\xBD\"");  // invalid UTF-8 does not throw
}

}  // namespace
}  // namespace pier::openapi
