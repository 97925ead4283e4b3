//! Template choice, the same for both providers: the template whose
//! `usageType` equals the message type, else the `Generic` one; a
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
}

const GENERIC: &str = "Generic";

/// Finds the template for `message_type`, falling back to `Generic`.
pub fn find<'a>(
  templates: &'a [Template],
  message_type: &str,
) -> Result<&'a Template, ConnectorError> {
  templates
    .iter()
    .find(|t| t.usage_type == message_type)
    .or_else(|| templates.iter().find(|t| t.usage_type == GENERIC))
    .ok_or_else(|| {
      // The official connectors throw this exact string (kit wraps it as { message }).
      ConnectorError::message(
        ErrorCode::TemplateNotFound,
        format!("Cannot find template for type: {message_type}"),
      )
    })
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
    }
  }

  #[test]
  fn exact_match_wins_over_generic() {
    let list = vec![
      template("Generic", TemplateCode::Single("G".into())),
      template("SignIn", TemplateCode::Single("S".into())),
    ];
    assert_eq!(
      find(&list, "SignIn").map(|t| &t.usage_type),
      Ok(&"SignIn".to_owned())
    );
    assert_eq!(
      find(&list, "MfaVerification").map(|t| &t.usage_type),
      Ok(&"Generic".to_owned())
    );
  }

  #[test]
  fn no_template_and_no_generic_is_template_not_found() {
    let list = vec![template("SignIn", TemplateCode::Single("S".into()))];
    let error = find(&list, "BindMfa").err();
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
}
