//! Template choice, the same for both providers (CONTRACT §4): the templates
//! whose `usageType` equals the message type, else the `Generic` ones; among
//! them the one for the end user's language (`payload.locale`); a
//! `{ china, overseas }` code is picked by the recipient's region.

use crate::error::{ConnectorError, ErrorCode};
use crate::phone;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateCode {
  Single(String),
  Regional { china: String, overseas: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
  pub usage_type: String,
  pub code: TemplateCode,
  /// Aliyun `templates[].message`: the text an international-site account
  /// sends overseas (`SendMessageToGlobe`), with `{code}` in it. Tencent: none.
  pub message: Option<String>,
  /// The language tag this template is for (`templates[].locale`).
  pub locale: Option<String>,
}

const GENERIC: &str = "Generic";

/// Finds the template for `message_type` and the end user's `locale`.
///
/// The usage type's templates, else the `Generic` ones; among them the first
/// whose `locale` equals `locale` (case-insensitively), else the first whose
/// primary subtag equals the payload's (scripts and regions are not
/// inferred), else the first without `locale`, else the first. Without any
/// `locale` in the config this is the official connectors' first match.
pub fn find<'a>(
  templates: &'a [Template],
  message_type: &str,
  locale: Option<&str>,
) -> Result<&'a Template, ConnectorError> {
  let has_type = |usage: &str| templates.iter().any(|t| t.usage_type == usage);
  let usage = if has_type(message_type) {
    message_type
  } else {
    GENERIC
  };
  let of_type = || templates.iter().filter(|t| t.usage_type == usage);
  let Some(first) = of_type().next() else {
    // The official connectors throw this exact string (kit wraps it as { message }).
    return Err(ConnectorError::message(
      ErrorCode::TemplateNotFound,
      format!("Cannot find template for type: {message_type}"),
    ));
  };
  let tagged =
    |wanted: &dyn Fn(&str) -> bool| of_type().find(|t| t.locale.as_deref().is_some_and(wanted));
  let chosen = locale
    .filter(|locale| !locale.is_empty())
    .and_then(|locale| {
      tagged(&|l| l.eq_ignore_ascii_case(locale)).or_else(|| {
        let primary = primary_subtag(locale);
        tagged(&|l| primary_subtag(l).eq_ignore_ascii_case(primary))
      })
    })
    .or_else(|| of_type().find(|t| t.locale.is_none()))
    .unwrap_or(first);
  Ok(chosen)
}

/// The language of a tag: what comes before the first `-`.
fn primary_subtag(tag: &str) -> &str {
  tag.split('-').next().unwrap_or(tag)
}

/// The template code to send to `to` (Logto's digits-only number).
pub fn code_for<'a>(template: &'a Template, to: &str, strict_region_check: bool) -> &'a str {
  match &template.code {
    TemplateCode::Single(code) => code,
    TemplateCode::Regional { china, overseas } => {
      if phone::is_china_number(to, strict_region_check) {
        china
      } else {
        overseas
      }
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn template(usage: &str, code: TemplateCode) -> Template {
    Template {
      usage_type: usage.into(),
      code,
      message: None,
      locale: None,
    }
  }

  #[test]
  fn exact_match_wins_over_generic() {
    let list = vec![
      template("Generic", TemplateCode::Single("G".into())),
      template("SignIn", TemplateCode::Single("S".into())),
    ];
    assert_eq!(
      find(&list, "SignIn", None).map(|t| &t.usage_type),
      Ok(&"SignIn".to_owned())
    );
    assert_eq!(
      find(&list, "MfaVerification", None).map(|t| &t.usage_type),
      Ok(&"Generic".to_owned())
    );
  }

  #[test]
  fn no_template_and_no_generic_is_template_not_found() {
    let list = vec![template("SignIn", TemplateCode::Single("S".into()))];
    let error = find(&list, "BindMfa", None).err();
    assert_eq!(
      error.as_ref().map(|e| e.code),
      Some(ErrorCode::TemplateNotFound)
    );
    assert_eq!(
      error.as_ref().and_then(|e| e.description()),
      Some("Cannot find template for type: BindMfa")
    );
  }

  #[test]
  fn regional_code_follows_region_rule() {
    let t = template(
      "Generic",
      TemplateCode::Regional {
        china: "CN".into(),
        overseas: "OV".into(),
      },
    );
    assert_eq!(code_for(&t, "8613812345678", true), "CN");
    assert_eq!(code_for(&t, "13812345678", false), "CN");
    assert_eq!(code_for(&t, "13812345678", true), "OV");
    assert_eq!(code_for(&t, "85268326366", false), "OV");
  }

  fn localized(usage: &str, code: &str, locale: Option<&str>) -> Template {
    Template {
      locale: locale.map(str::to_owned),
      ..template(usage, TemplateCode::Single(code.into()))
    }
  }

  /// CONTRACT §4's selection table, step by step.
  #[test]
  fn locale_selection() {
    let list = vec![
      localized("SignIn", "S-en", Some("en")),
      localized("SignIn", "S-zh-CN", Some("zh-CN")),
      localized("SignIn", "S-none", None),
      localized("SignIn", "S-pt-BR", Some("pt-BR")),
      localized("Generic", "G-zh", Some("zh")),
      localized("Generic", "G-en", Some("en")),
    ];
    let pick = |usage: &str, locale: Option<&str>| match find(&list, usage, locale) {
      Ok(Template {
        code: TemplateCode::Single(code),
        ..
      }) => code.clone(),
      other => panic!("{other:?}"),
    };
    // Exact tag, case-insensitive.
    assert_eq!(pick("SignIn", Some("zh-CN")), "S-zh-CN");
    assert_eq!(pick("SignIn", Some("ZH-cn")), "S-zh-CN");
    assert_eq!(pick("SignIn", Some("EN")), "S-en");
    // Primary subtag: zh-TW takes zh-CN (no zh-TW or zh); en-GB takes en; pt takes pt-BR.
    assert_eq!(pick("SignIn", Some("zh-TW")), "S-zh-CN");
    assert_eq!(pick("SignIn", Some("en-GB")), "S-en");
    assert_eq!(pick("SignIn", Some("pt")), "S-pt-BR");
    // No match, no locale, or not a non-empty string: the one without locale.
    assert_eq!(pick("SignIn", Some("fr")), "S-none");
    assert_eq!(pick("SignIn", None), "S-none");
    assert_eq!(pick("SignIn", Some("")), "S-none");
    // Generic fallback keeps the locale choice.
    assert_eq!(pick("Register", Some("en-US")), "G-en");
    assert_eq!(pick("Register", Some("zh-Hant-TW")), "G-zh");
    // No template without locale: the first listed.
    assert_eq!(pick("Register", Some("fr")), "G-zh");
    assert_eq!(pick("Register", None), "G-zh");
  }

  #[test]
  fn the_first_listed_wins_among_equal_locales_and_without_any_locale() {
    let list = vec![
      localized("SignIn", "first", Some("en")),
      localized("SignIn", "second", Some("EN")),
      localized("SignIn", "plain-1", None),
      localized("SignIn", "plain-2", None),
    ];
    let code = |locale| match find(&list, "SignIn", locale) {
      Ok(t) => t.code.clone(),
      Err(e) => panic!("{e:?}"),
    };
    assert_eq!(code(Some("en")), TemplateCode::Single("first".into()));
    assert_eq!(code(None), TemplateCode::Single("plain-1".into()));
    // Without any locale in the config: the official first match.
    let plain = vec![
      localized("SignIn", "a", None),
      localized("SignIn", "b", None),
    ];
    assert_eq!(
      find(&plain, "SignIn", Some("zh-CN")).map(|t| t.code.clone()),
      Ok(TemplateCode::Single("a".into()))
    );
  }
}
