//! The dashboard's texts: one Fluent table per language (`locales/zh.ftl`, `locales/en.ftl`),
//! Chinese by default, plus the table of the bundle's own screens (`locales/people.*.ftl`,
//! `locales/admin.*.ftl`), which only that bundle carries ([`extend`]). Components ask for a text
//! by key ([`Lang::t`]); they hold no literal of their own.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use gloo_storage::{LocalStorage, Storage};
use std::cell::RefCell;
use std::collections::HashMap;
use unic_langid::{langid, LanguageIdentifier};

const ZH: &str = include_str!("../locales/zh.ftl");
const EN: &str = include_str!("../locales/en.ftl");
const KEY: &str = "ecops.lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

/// A bundle's own texts: (Chinese, English) Fluent sources.
pub type Texts = (&'static str, &'static str);

thread_local! {
    static BUNDLES: RefCell<HashMap<Lang, FluentBundle<FluentResource>>> = RefCell::new(HashMap::new());
    static EXTRA: RefCell<Texts> = const { RefCell::new(("", "")) };
}

/// Adds the bundle's own table to the shared one (call once, before anything is shown).
pub fn extend(texts: Texts) {
    EXTRA.with(|e| *e.borrow_mut() = texts);
    BUNDLES.with(|b| b.borrow_mut().clear());
}

fn bundle_of(lang: Lang, extra: Texts) -> FluentBundle<FluentResource> {
    let (id, text, more): (LanguageIdentifier, &str, &str) = match lang {
        Lang::Zh => (langid!("zh-CN"), ZH, extra.0),
        Lang::En => (langid!("en"), EN, extra.1),
    };
    let mut b = FluentBundle::new(vec![id]);
    // Unicode isolation marks around arguments would show up in tests and copy-paste.
    b.set_use_isolating(false);
    for source in [text, more] {
        let res = match FluentResource::try_new(source.to_owned()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        let _ = b.add_resource(res);
    }
    b
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    bundle_of(lang, EXTRA.with(|e| *e.borrow()))
}

impl Lang {
    /// The language chosen last on this browser (a preference, not a secret), else Chinese.
    pub fn saved() -> Lang {
        match LocalStorage::get::<String>(KEY).ok().as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    pub fn save(self) {
        let _ = LocalStorage::set(KEY, self.code());
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The text of `key`; the key itself when the table lacks it.
    pub fn t(self, key: &str) -> String {
        self.format(key, None)
    }

    /// The text of `key` with one argument.
    pub fn t1(self, key: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value.to_owned()));
        self.format(key, Some(&args))
    }

    fn format(self, key: &str, args: Option<&FluentArgs>) -> String {
        BUNDLES.with(|cell| {
            let mut map = cell.borrow_mut();
            let b = map.entry(self).or_insert_with(|| bundle(self));
            match b.get_message(key).and_then(|m| m.value()) {
                Some(pattern) => {
                    let mut errors = Vec::new();
                    b.format_pattern(pattern, args, &mut errors).into_owned()
                }
                None => key.to_owned(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<&str> {
        text.lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim()))
            .filter(|k| !k.is_empty() && !k.starts_with('#'))
            .collect()
    }

    const PEOPLE: Texts = (
        include_str!("../locales/people.zh.ftl"),
        include_str!("../locales/people.en.ftl"),
    );
    const ADMIN: Texts = (
        include_str!("../locales/admin.zh.ftl"),
        include_str!("../locales/admin.en.ftl"),
    );
    const WORK: Texts = (
        include_str!("../locales/work.zh.ftl"),
        include_str!("../locales/work.en.ftl"),
    );
    const SUPERVISION: Texts = (
        include_str!("../locales/supervision.zh.ftl"),
        include_str!("../locales/supervision.en.ftl"),
    );

    fn resolves(lang: Lang, extra: Texts, key: &str) -> bool {
        let b = bundle_of(lang, extra);
        b.get_message(key).and_then(|m| m.value()).is_some_and(|p| {
            let mut errors = Vec::new();
            let _ = b.format_pattern(p, None, &mut errors);
            errors.iter().all(|e| {
                // A missing argument is fine here: the screens pass it.
                matches!(e, fluent_bundle::FluentError::ResolverError(_))
            })
        })
    }

    #[test]
    fn both_tables_have_the_same_keys_and_every_text_resolves() {
        for table in [
            ZH,
            EN,
            PEOPLE.0,
            PEOPLE.1,
            ADMIN.0,
            ADMIN.1,
            WORK.0,
            WORK.1,
            SUPERVISION.0,
            SUPERVISION.1,
        ] {
            let mut seen = std::collections::HashSet::new();
            for k in keys(table) {
                assert!(seen.insert(k), "{k} is defined twice in one table");
            }
        }
        assert_eq!(keys(ZH), keys(EN));
        for k in keys(ZH) {
            assert_ne!(Lang::Zh.t(k), k, "zh {k}");
            assert_ne!(Lang::En.t(k), k, "en {k}");
        }
        // Each bundle's own table: the same keys in both languages, none shadowing a shared one.
        for extra in [PEOPLE, ADMIN, WORK, SUPERVISION] {
            assert_eq!(keys(extra.0), keys(extra.1));
            for k in keys(extra.0) {
                assert!(!keys(ZH).contains(&k), "{k} is in the shared table too");
                assert!(resolves(Lang::Zh, extra, k), "zh {k}");
                assert!(resolves(Lang::En, extra, k), "en {k}");
            }
        }
        assert_eq!(Lang::En.t1("order-title", "no", "TB-1"), "Order TB-1");
        assert_eq!(Lang::Zh.t1("order-title", "no", "TB-1"), "订单 TB-1");
    }

    /// Every key the components name literally (`lang.t("…")`, `t1`, a list's empty state, a
    /// table's head), read from the sources: a missing one would show its key to the user.
    #[test]
    fn every_key_the_screens_use_is_in_the_tables() {
        fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    rust_files(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        fn quoted_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
            text.match_indices(marker)
                .filter_map(|(i, _)| {
                    let rest = &text[i + marker.len()..];
                    rest.split_once('"').map(|(k, _)| k)
                })
                .collect()
        }
        let mut files = Vec::new();
        rust_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut missing = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            // The screens of a bundle with its own table also read from that table.
            let name = f.file_stem().and_then(|n| n.to_str()).unwrap_or_default();
            let mut known = keys(EN);
            if ["attendance", "leave", "duty", "departures", "people"].contains(&name) {
                known.extend(keys(PEOPLE.1));
            }
            if name == "admin" || name == "policies" || name == "vault" {
                known.extend(keys(ADMIN.1));
            }
            if ["reports", "content", "figures", "meetings"].contains(&name) {
                known.extend(keys(WORK.1));
            }
            if [
                "quality",
                "evaluations",
                "phrases",
                "delegations",
                "webhooks",
            ]
            .contains(&name)
            {
                known.extend(keys(SUPERVISION.1));
            }
            let mut used = Vec::new();
            for marker in [".t(\"", ".t1(\"", "status(lang, \""] {
                used.extend(quoted_after(&text, marker));
            }
            for (i, _) in text.match_indices("table_head(lang, &[") {
                let list = &text[i..];
                let list = &list[..list.find(']').unwrap_or(0)];
                used.extend(list.split('"').skip(1).step_by(2));
            }
            for k in used {
                let literal = k
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if literal && !k.is_empty() && !known.contains(&k) {
                    missing.push(format!("{}: {k}", f.display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from the tables: {missing:#?}"
        );
    }
}
