#include "kube/curl_failure.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>

namespace pier::kube {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

CurlFailureFacts facts() {
  CurlFailureFacts f;
  f.host = "10.0.0.1:6443";
  f.timeout = std::chrono::milliseconds(30'000);
  f.connect_timeout = std::chrono::milliseconds(10'000);
  return f;
}

TEST(CurlFailureTest, ConnectionRefusedIsRetryable) {
  CurlFailureFacts f = facts();
  f.os_errno = ECONNREFUSED;
  CurlFailure failure = classify_curl_failure(CURLE_COULDNT_CONNECT, f);
  EXPECT_EQ(failure.kind, TransportFailure::kNotSent);
  EXPECT_THAT(failure.cause, StartsWith("connection refused by 10.0.0.1:6443"));
  EXPECT_EQ(failure.code, ErrorCode::kUnavailable);
  EXPECT_EQ(failure.retry, Retry::kYes);
}

TEST(CurlFailureTest, UnresolvedHostIsFinal) {
  CurlFailure failure = classify_curl_failure(CURLE_COULDNT_RESOLVE_HOST, facts());
  EXPECT_EQ(failure.kind, TransportFailure::kUnresolvedHost);
  EXPECT_EQ(failure.cause, "could not resolve host 10.0.0.1 (is server right?)");
  EXPECT_EQ(failure.retry, Retry::kNo);
}

TEST(CurlFailureTest, TimeoutsBeforeAndAfterConnecting) {
  CurlFailureFacts f = facts();
  CurlFailure connect = classify_curl_failure(CURLE_OPERATION_TIMEDOUT, f);
  EXPECT_EQ(connect.kind, TransportFailure::kNotSent);
  EXPECT_EQ(connect.cause, "could not connect to 10.0.0.1:6443: timed out after 10 s");
  f.connected = true;
  f.request_sent = true;
  CurlFailure response = classify_curl_failure(CURLE_OPERATION_TIMEDOUT, f);
  EXPECT_EQ(response.kind, TransportFailure::kTimedOut);
  EXPECT_EQ(response.cause, "timed out after 30 s");
}

TEST(CurlFailureTest, CertificateVerification) {
  CurlFailureFacts f = facts();
  f.detail = "SSL certificate problem: unable to get local issuer certificate";
  CurlFailure ca = classify_curl_failure(CURLE_PEER_FAILED_VERIFICATION, f);
  EXPECT_EQ(ca.kind, TransportFailure::kTls);
  EXPECT_EQ(ca.cause,
            "TLS: certificate verify failed (is certificate-authority right?) (SSL certificate problem: unable to get "
            "local issuer certificate)");
  f.detail = "SSL: no alternative certificate subject name matches target host name 'wrong.example'";
  CurlFailure name = classify_curl_failure(CURLE_PEER_FAILED_VERIFICATION, f);
  EXPECT_THAT(name.cause, StartsWith("TLS: the server's certificate is not for this host"));
}

TEST(CurlFailureTest, RefusedClientCertificateInTls13ArrivesAsAReceiveError) {
  CurlFailureFacts f = facts();
  f.has_client_certificate = true;
  f.request_sent = true;
  f.detail = "OpenSSL SSL_read: error:0A000415:SSL routines::sslv3 alert certificate expired, errno 0";
  CurlFailure failure = classify_curl_failure(CURLE_RECV_ERROR, f);
  EXPECT_EQ(failure.kind, TransportFailure::kTls);
  EXPECT_EQ(failure.cause, "TLS: the server refused the client certificate (certificate expired)");
  EXPECT_EQ(failure.code, ErrorCode::kDenied);
}

TEST(CurlFailureTest, MissingClientCertificate) {
  CurlFailureFacts f = facts();
  f.detail = "OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0";
  CurlFailure failure = classify_curl_failure(CURLE_RECV_ERROR, f);
  EXPECT_THAT(failure.cause, HasSubstr("wants a client certificate and none is configured"));
}

TEST(CurlFailureTest, LostConnectionDependsOnWhetherTheRequestWasSent) {
  CurlFailureFacts f = facts();
  EXPECT_EQ(classify_curl_failure(CURLE_GOT_NOTHING, f).kind, TransportFailure::kNotSent);
  f.request_sent = true;
  CurlFailure sent = classify_curl_failure(CURLE_GOT_NOTHING, f);
  EXPECT_EQ(sent.kind, TransportFailure::kLostAfterSending);
  EXPECT_EQ(sent.cause, "the server closed the connection while waiting for the response");
  f.os_errno = ECONNRESET;
  EXPECT_EQ(classify_curl_failure(CURLE_RECV_ERROR, f).cause, "connection reset while waiting for the response");
}

}  // namespace
}  // namespace pier::kube
