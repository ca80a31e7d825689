#include "template/template.h"

#include <new>

#include "common/text_position.h"
#include "template/evaluator.h"
#include "template/lexer.h"
#include "template/parser.h"
#include "template/program.h"
#include "template/template_error.h"

namespace pier::tmpl {

namespace {

Error to_error(const detail::Program& program, const detail::TemplateError& e) {
  const std::size_t offset = e.offset == detail::kNoOffset ? 0 : e.offset;
  return Error::invalid(format_position(program.name, position_of(program.source, offset)) + ": " + e.message);
}

// Runs `body`, turning every failure into an Error that names the template.
template <class Fn>
auto guarded(const detail::Program& program, Fn body) -> decltype(body()) {
  try {
    return body();
  } catch (const detail::TemplateError& e) {
    return fail(to_error(program, e));
  } catch (const std::bad_alloc&) {
    return fail(Error::invalid(program.name + ": out of memory while rendering the template"));
  } catch (const std::exception& e) {
    return fail(Error::internal(program.name + ": internal template error: " + e.what()));
  }
}

Result<std::string> render_program(const detail::Program& program, const nlohmann::json& context) {
  if (!context.is_object()) {
    return fail(Error::invalid(program.name + ": the template context must be a JSON object, not " +
                               std::string(context.type_name())));
  }
  return guarded(program, [&]() -> Result<std::string> {
    std::string out;
    out.reserve(program.source.size() + program.source.size() / 2);
    detail::Evaluator(program, context, out).render(program.body);
    return out;
  });
}

}  // namespace

Result<Template> Template::compile(std::string_view source, std::string name) {
  auto program = std::make_shared<detail::Program>();
  program->name = std::move(name);
  program->source = detail::normalize_newlines(source);
  auto parsed = guarded(*program, [&]() -> Result<bool> {
    detail::parse(*program, detail::tokenize(program->source));
    return true;
  });
  if (!parsed) return fail(parsed.error());
  return Template(std::shared_ptr<const detail::Program>(std::move(program)));
}

Result<std::string> Template::render(const nlohmann::json& context) const { return render_program(*program_, context); }

Result<nlohmann::json> Template::render_value(const nlohmann::json& context) const {
  const detail::Program& program = *program_;
  if (program.single_expression == nullptr) {
    auto text = render_program(program, context);
    if (!text) return fail(text.error());
    return nlohmann::json(std::move(*text));
  }
  if (!context.is_object()) {
    return fail(Error::invalid(program.name + ": the template context must be a JSON object, not " +
                               std::string(context.type_name())));
  }
  return guarded(program, [&]() -> Result<nlohmann::json> {
    std::string unused;
    detail::Evaluator evaluator(program, context, unused);
    detail::Value value = evaluator.eval(*program.single_expression);
    if (value.is_json() || value.kind() == detail::Value::Kind::kNamespace) return std::move(value).take();
    if (value.is_undefined() && value.lenient()) return nlohmann::json("");
    if (value.is_undefined()) evaluator.fail_undefined(value);
    return nlohmann::json(evaluator.text(value));
  });
}

bool Template::is_single_expression() const { return program_->single_expression != nullptr; }

const std::string& Template::name() const { return program_->name; }

bool looks_like_template(std::string_view text) {
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '{' && (text[i + 1] == '{' || text[i + 1] == '%' || text[i + 1] == '#')) return true;
  }
  return false;
}

}  // namespace pier::tmpl
