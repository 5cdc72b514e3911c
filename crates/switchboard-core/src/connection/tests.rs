use super::*;
use crate::catalog::Catalog;

fn vendor(slug: &str) -> Vendor {
    Catalog::builtin().unwrap().get(slug).unwrap().clone()
}

fn private(pairs: &[(&str, &str)]) -> BTreeMap<String, Secret<String>> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Secret::from(*v)))
        .collect()
}

fn problems(err: ConnectError) -> Vec<FieldProblem> {
    match err {
        ConnectError::InvalidFields { problems, .. } => problems,
        other => panic!("expected invalid fields, got {other:?}"),
    }
}

#[test]
fn every_missing_required_field_is_reported_at_once() {
    let got = problems(prepare(&vendor("autotask"), FieldInput::default()).unwrap_err());
    let keys: Vec<_> = got
        .iter()
        .map(|p| match p {
            FieldProblem::Missing { key, .. } => key.as_str(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(keys, ["username", "secret", "integration_code"]);
}

#[test]
fn a_secret_on_the_command_line_is_refused_without_echoing_it() {
    let input = FieldInput {
        argv: [("api_secret".to_owned(), "TOP-SECRET-VALUE".to_owned())].into(),
        private: private(&[("api_key", "k-1234")]),
    };
    let err = prepare(&vendor("datto-rmm"), input).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("TOP-SECRET-VALUE"), "{text}");
    assert!(problems(err).contains(&FieldProblem::SecretOnCommandLine {
        key: "api_secret".into()
    }));
}

#[test]
fn options_are_checked_and_normalised_and_defaults_filled() {
    let input = FieldInput {
        argv: [("platform".to_owned(), "Merlot".to_owned())].into(),
        private: private(&[("api_key", "k-1234"), ("api_secret", "s-1234")]),
    };
    let creds = prepare(&vendor("datto-rmm"), input).unwrap();
    assert_eq!(creds.plain["platform"], "merlot");

    let input = FieldInput {
        argv: Default::default(),
        private: private(&[("api_key", "k"), ("api_secret", "s")]),
    };
    assert_eq!(
        prepare(&vendor("datto-rmm"), input).unwrap().plain["platform"],
        "concord"
    );

    let input = FieldInput {
        argv: [("platform".to_owned(), "shiraz".to_owned())].into(),
        private: private(&[("api_key", "k"), ("api_secret", "s")]),
    };
    match &problems(prepare(&vendor("datto-rmm"), input).unwrap_err())[0] {
        FieldProblem::NotAnOption { allowed, .. } => assert_eq!(allowed.len(), 6),
        other => panic!("{other:?}"),
    }
}

#[test]
fn urls_get_a_scheme_and_lose_the_trailing_slash() {
    let input = FieldInput {
        argv: [("base_url".to_owned(), "acme.huducloud.com/".to_owned())].into(),
        private: private(&[("api_key", "k")]),
    };
    assert_eq!(
        prepare(&vendor("hudu"), input).unwrap().plain["base_url"],
        "https://acme.huducloud.com"
    );
    let input = FieldInput {
        argv: [("base_url".to_owned(), "ftp://x".to_owned())].into(),
        private: private(&[("api_key", "k")]),
    };
    assert!(matches!(
        problems(prepare(&vendor("hudu"), input).unwrap_err())[0],
        FieldProblem::NotAUrl { .. }
    ));
}

#[test]
fn subdomains_and_emails_are_checked() {
    let input = FieldInput {
        argv: [("subdomain".to_owned(), "acme.syncromsp.com".to_owned())].into(),
        private: private(&[("api_key", "k")]),
    };
    assert!(matches!(
        problems(prepare(&vendor("syncro"), input).unwrap_err())[0],
        FieldProblem::NotASubdomain { .. }
    ));
    let input = FieldInput {
        argv: [("username".to_owned(), "not-an-email".to_owned())].into(),
        private: private(&[("secret", "s"), ("integration_code", "c")]),
    };
    assert!(matches!(
        problems(prepare(&vendor("autotask"), input).unwrap_err())[0],
        FieldProblem::NotAnEmail { .. }
    ));
}

#[test]
fn unknown_fields_are_reported() {
    let input = FieldInput {
        argv: Default::default(),
        private: private(&[("api_key", "k"), ("apikey", "x")]),
    };
    assert!(
        problems(prepare(&vendor("syncro"), input).unwrap_err()).contains(&FieldProblem::Unknown {
            key: "apikey".into()
        })
    );
}

#[test]
fn prompting_asks_only_for_required_fields_without_defaults_unless_guided() {
    let v = vendor("datto-rmm");
    let input = FieldInput {
        argv: Default::default(),
        private: private(&[("api_key", "k")]),
    };
    let keys: Vec<_> = fields_to_prompt(&v, &input, false)
        .iter()
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(keys, ["api_secret"]);
    let keys: Vec<_> = fields_to_prompt(&v, &FieldInput::default(), true)
        .iter()
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(keys, ["api_key", "api_secret", "platform"]);
}
