#include "manifest/apply_order.h"

#include <gtest/gtest.h>

namespace pier::manifest {
namespace {

TEST(ApplyOrder, DependenciesFirst) {
  EXPECT_LT(apply_rank("Namespace"), apply_rank("ConfigMap"));
  EXPECT_LT(apply_rank("Secret"), apply_rank("Service"));
  EXPECT_LT(apply_rank("ConfigMap"), apply_rank("Service"));
  EXPECT_LT(apply_rank("Service"), apply_rank("Deployment"));
  EXPECT_LT(apply_rank("Deployment"), apply_rank("HorizontalPodAutoscaler"));
  EXPECT_LT(apply_rank("StatefulSet"), apply_rank("HorizontalPodAutoscaler"));
  EXPECT_LT(apply_rank("HorizontalPodAutoscaler"), apply_rank("Ingress"));
  EXPECT_LT(apply_rank("IngressClass"), apply_rank("Ingress"));
  EXPECT_LT(apply_rank("Ingress"), apply_rank("MyCustomResource"));
}

}  // namespace
}  // namespace pier::manifest
