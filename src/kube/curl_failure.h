// What a failed libcurl transfer means, in words and for retrying.
//
//   CurlFailure f = classify_curl_failure(CURLE_COULDNT_CONNECT, facts);
//   f.cause  // "connection refused"
//   f.kind   // TransportFailure::kNotSent: safe to retry
//
// Kept apart from the transport so that every cause can be tested without
// making the network fail in that exact way.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <string>

#include "common/error.h"
#include "kube/retry_policy.h"

namespace pier::kube {

// What we know about the transfer besides the CURLcode.
struct CurlFailureFacts {
  std::string detail;         // libcurl's error buffer (never holds request headers)
  long os_errno = 0;          // CURLINFO_OS_ERRNO
  bool request_sent = false;  // CURLINFO_REQUEST_SIZE > 0: the server may have seen the request
  bool connected = false;     // the TCP connection was established (CURLINFO_CONNECT_TIME > 0)
  std::string host;           // host:port, for "could not resolve host" and "connection refused"
  bool has_client_certificate = false;
  bool via_proxy = false;
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds connect_timeout{0};
};

struct CurlFailure {
  TransportFailure kind = TransportFailure::kOther;
  std::string cause;  // for a person: "TLS: certificate verify failed (is certificate-authority right?): ..."
  ErrorCode code = ErrorCode::kUnavailable;
  Retry retry = Retry::kNo;
};

CurlFailure classify_curl_failure(CURLcode code, const CurlFailureFacts& facts);

}  // namespace pier::kube
