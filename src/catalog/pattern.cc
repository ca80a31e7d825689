#include "catalog/pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace pier::catalog {

namespace {

// Bounds for a pathological pattern and value: about a tenth of a second of
// backtracking at worst, on the heap.
constexpr uint32_t kMatchLimit = 1'000'000;
constexpr uint32_t kHeapLimitKiB = 16 * 1024;

// The JIT's default stack (32 KiB, on the machine stack) ends a repeated
// group after a few thousand iterations; its own stack grows as needed up to
// this size (address space reserved, pages touched only when used).
constexpr size_t kJitStackMax = 16 * 1024 * 1024;

struct MatchData {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  pcre2_jit_stack* jit_stack = pcre2_jit_stack_create(32 * 1024, kJitStackMax, nullptr);
  pcre2_match_context* context = [this] {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(c, kMatchLimit);
    pcre2_set_heap_limit(c, kHeapLimitKiB);
    if (jit_stack) pcre2_jit_stack_assign(c, nullptr, jit_stack);
    return c;
  }();
  ~MatchData() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(jit_stack);
  }
};

MatchData& thread_match_data() {
  thread_local MatchData data;
  return data;
}

}  // namespace

struct Pattern::Code {
  pcre2_code* code = nullptr;
  bool jit = false;
  ~Code() { pcre2_code_free(code); }
};

Result<Pattern> Pattern::compile(std::string_view expression) {
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  pcre2_set_compile_extra_options(context, PCRE2_EXTRA_ALT_BSUX);
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expression.data()), expression.size(),
                                   PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX, &error_code, &error_offset,
                                   context);
  pcre2_compile_context_free(context);
  if (!code) {
    PCRE2_UCHAR text[256];
    pcre2_get_error_message(error_code, text, sizeof text);
    return fail(Error::invalid(std::string(reinterpret_cast<const char*>(text)) + " at offset " +
                               std::to_string(error_offset)));
  }
  auto compiled = std::make_shared<Code>();
  compiled->code = code;
  compiled->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  Pattern pattern;
  pattern.code_ = std::move(compiled);
  pattern.expression_ = std::string(expression);
  return pattern;
}

Pattern::Outcome Pattern::search(std::string_view text) const {
  MatchData& match = thread_match_data();
  int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0, match.data,
                       match.context);
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
    // The JIT's own stack is small; the interpreter keeps its frames on the
    // heap, under kHeapLimitKiB.
    rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, PCRE2_NO_JIT,
                     match.data, match.context);
  }
  if (rc >= 0) return kMatch;
  if (rc == PCRE2_ERROR_NOMATCH) return kNoMatch;
  return kTooComplex;
}

}  // namespace pier::catalog
