#include "kube/curl_failure.h"

#include <cerrno>
#include <cstring>

#include "kube/duration_text.h"

namespace pier::kube {

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// "... sslv3 alert certificate expired, errno 0" -> "certificate expired".
std::string tls_alert(const std::string& detail) {
  size_t at = detail.find("alert ");
  if (at == std::string::npos) return {};
  std::string alert = detail.substr(at + 6);
  size_t end = alert.find(',');
  if (end != std::string::npos) alert.resize(end);
  return alert;
}

std::string with_detail(std::string cause, const std::string& detail) {
  if (!detail.empty()) cause += " (" + detail + ")";
  return cause;
}

// "api.example:6443" -> "api.example"
std::string without_port(const std::string& host) {
  size_t colon = host.rfind(':');
  if (colon == std::string::npos || host.find(']', colon) != std::string::npos) return host;
  return host.substr(0, colon);
}

CurlFailure make(TransportFailure kind, std::string cause, ErrorCode code, Retry retry) {
  return CurlFailure{kind, std::move(cause), code, retry};
}

// The server sent a TLS alert: in TLS 1.3 a refused client certificate
// shows up only when the client reads the response, as a receive error.
CurlFailure refused_by_tls_alert(const CurlFailureFacts& facts, const std::string& alert) {
  if (facts.has_client_certificate && contains(alert, "certificate"))
    return make(TransportFailure::kTls, "TLS: the server refused the client certificate (" + alert + ")",
                ErrorCode::kDenied, Retry::kNo);
  if (contains(alert, "certificate required") || contains(alert, "handshake failure"))
    return make(TransportFailure::kTls,
                "TLS: the server wants a client certificate and none is configured (" + alert + ")",
                ErrorCode::kDenied, Retry::kNo);
  return make(TransportFailure::kTls, "TLS: the server refused the connection (alert: " + alert + ")",
              ErrorCode::kUnavailable, Retry::kNo);
}

CurlFailure lost_connection(const CurlFailureFacts& facts, const std::string& what) {
  if (!facts.request_sent)
    return make(TransportFailure::kNotSent, with_detail(what + " before the request was sent", facts.detail),
                ErrorCode::kUnavailable, Retry::kYes);
  return make(TransportFailure::kLostAfterSending, with_detail(what + " while waiting for the response", facts.detail),
              ErrorCode::kUnavailable, Retry::kYes);
}

}  // namespace

CurlFailure classify_curl_failure(CURLcode code, const CurlFailureFacts& facts) {
  const std::string alert = tls_alert(facts.detail);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return make(TransportFailure::kUnresolvedHost, "could not resolve host " + without_port(facts.host) + " (is server right?)",
                  ErrorCode::kUnavailable, Retry::kNo);
    case CURLE_COULDNT_RESOLVE_PROXY:
      return make(TransportFailure::kUnresolvedHost, with_detail("could not resolve the proxy's host", facts.detail),
                  ErrorCode::kUnavailable, Retry::kNo);
    case CURLE_COULDNT_CONNECT: {
      std::string to = facts.via_proxy ? "the proxy" : facts.host;
      std::string cause;
      if (facts.os_errno == ECONNREFUSED) cause = "connection refused by " + to + " (is the API server running?)";
      else if (facts.os_errno == ENETUNREACH) cause = "network unreachable for " + to;
      else if (facts.os_errno == EHOSTUNREACH) cause = "no route to host " + to;
      else cause = with_detail("could not connect to " + to, facts.detail);
      return make(TransportFailure::kNotSent, cause, ErrorCode::kUnavailable, Retry::kYes);
    }
    case CURLE_OPERATION_TIMEDOUT:
      if (!facts.connected)
        return make(TransportFailure::kNotSent,
                    "could not connect to " + facts.host + ": timed out after " + duration_text(facts.connect_timeout),
                    ErrorCode::kUnavailable, Retry::kYes);
      return make(TransportFailure::kTimedOut, "timed out after " + duration_text(facts.timeout),
                  ErrorCode::kUnavailable, Retry::kYes);
    case CURLE_PEER_FAILED_VERIFICATION:
      if (contains(facts.detail, "subject name") || contains(facts.detail, "host name") ||
          contains(facts.detail, "hostname"))
        return make(TransportFailure::kTls,
                    with_detail("TLS: the server's certificate is not for this host (is server or tls-server-name right?)",
                                facts.detail),
                    ErrorCode::kUnavailable, Retry::kNo);
      return make(TransportFailure::kTls,
                  with_detail("TLS: certificate verify failed (is certificate-authority right?)", facts.detail),
                  ErrorCode::kUnavailable, Retry::kNo);
    case CURLE_SSL_CACERT_BADFILE:
      return make(TransportFailure::kTls,
                  with_detail("TLS: the certificate-authority could not be loaded (is it PEM?)", facts.detail),
                  ErrorCode::kInvalidInput, Retry::kNo);
    case CURLE_SSL_CERTPROBLEM:
      return make(TransportFailure::kTls,
                  with_detail("TLS: the client certificate or key could not be used (are they PEM and a pair?)",
                              facts.detail),
                  ErrorCode::kInvalidInput, Retry::kNo);
    case CURLE_SSL_CONNECT_ERROR:
      if (!alert.empty()) return refused_by_tls_alert(facts, alert);
      if (facts.os_errno == ECONNRESET || facts.os_errno == EPIPE)
        return make(TransportFailure::kNotSent, "connection reset during the TLS handshake", ErrorCode::kUnavailable,
                    Retry::kYes);
      return make(TransportFailure::kTls, with_detail("TLS handshake failed", facts.detail), ErrorCode::kUnavailable,
                  Retry::kNo);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      if (!alert.empty()) return refused_by_tls_alert(facts, alert);
      return lost_connection(facts, facts.os_errno == ECONNRESET ? "connection reset" : "the connection broke");
    case CURLE_GOT_NOTHING:
      return lost_connection(facts, "the server closed the connection");
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return make(TransportFailure::kLostAfterSending,
                  with_detail("the connection broke before the response was complete", facts.detail),
                  ErrorCode::kUnavailable, Retry::kYes);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return make(TransportFailure::kOther, with_detail("the server URL is not usable", facts.detail),
                  ErrorCode::kInvalidInput, Retry::kNo);
    default:
      return make(TransportFailure::kOther, with_detail(curl_easy_strerror(code), facts.detail),
                  ErrorCode::kUnavailable, Retry::kNo);
  }
}

}  // namespace pier::kube
