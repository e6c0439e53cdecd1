//! No request to any other site: every kind of page (see `pages::PAGES`)
//! loads only from 127.0.0.1, where the test serves it. Checked three ways:
//! what the browser fetched (Resource Timing), every subresource the live
//! page refers to (scripts, stylesheets, images, frames, media, fonts in
//! CSS), and what our server was asked for (no missing file).

use super::pages::{PAGES, visit};
use super::{Browser, Needs, SUB_PATH, run};

/// Every address the page fetched or refers to as a subresource.
async fn subresource_urls(b: &Browser) -> Vec<(String, String)> {
    let value = b
        .js(
            r#"
var out = [];
function add(kind, url) { if (url) { out.push([kind, String(url)]); } }
add('document', location.href);
performance.getEntriesByType('navigation').forEach(function (e) { add('navigation', e.name); });
performance.getEntriesByType('resource').forEach(function (e) { add('fetched ' + e.initiatorType, e.name); });
var fetchedRels = /(^|\s)(stylesheet|icon|apple-touch-icon|preload|prefetch|modulepreload|preconnect|dns-prefetch|manifest|prerender)(\s|$)/i;
document.querySelectorAll('link[href]').forEach(function (l) {
  if (fetchedRels.test(l.getAttribute('rel') || '')) { add('<link rel=' + l.getAttribute('rel') + '>', l.href); }
});
document.querySelectorAll('script[src]').forEach(function (e) { add('<script>', e.src); });
document.querySelectorAll('img[src], iframe[src], embed[src], source[src], audio[src], video[src], track[src], input[type=image][src]')
  .forEach(function (e) { add('<' + e.tagName.toLowerCase() + '>', e.src); });
document.querySelectorAll('img[srcset], source[srcset]').forEach(function (e) {
  e.getAttribute('srcset').split(',').forEach(function (part) {
    var u = part.trim().split(/\s+/)[0];
    if (u) { add('srcset', new URL(u, document.baseURI).href); }
  });
});
document.querySelectorAll('object[data]').forEach(function (e) { add('<object>', e.data); });
document.querySelectorAll('video[poster]').forEach(function (e) { add('poster', e.poster); });
document.querySelectorAll('form[action]').forEach(function (e) { add('<form action>', e.action); });
document.querySelectorAll('[style]').forEach(function (e) {
  var m, re = /url\(\s*['"]?([^'")]+)/g, s = e.getAttribute('style');
  while ((m = re.exec(s))) { add('inline style url()', new URL(m[1], document.baseURI).href); }
});
for (var i = 0; i < document.styleSheets.length; i++) {
  var sheet = document.styleSheets[i], rules;
  try { rules = sheet.cssRules; } catch (e) { add('unreadable stylesheet', sheet.href || 'inline'); continue; }
  for (var j = 0; j < rules.length; j++) {
    var text = rules[j].cssText, m2, re2 = /url\(\s*['"]?([^'")]+)/g;
    if (rules[j].href) { add('@import', new URL(rules[j].href, sheet.href || document.baseURI).href); }
    while ((m2 = re2.exec(text))) {
      if (!/^data:/.test(m2[1])) { add('CSS url()', new URL(m2[1], sheet.href || document.baseURI).href); }
    }
  }
}
return out;
"#,
            vec![],
        )
        .await;
    serde_json::from_value(value).expect("a list of [kind, url]")
}

/// The host of an absolute http(s) address, or None for data:, blob:,
/// about: and the like (which make no request to any site).
fn http_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .or_else(|| url.strip_prefix("ws://"))
        .or_else(|| url.strip_prefix("wss://"))
        .or_else(|| url.strip_prefix("//"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    Some(host_port.split(':').next().unwrap_or(""))
}

/// `http://` and `https://` addresses in src/href attributes of the tags
/// that fetch things, in the HTML as served (before any script runs).
fn absolute_subresources_in_html(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = html.to_ascii_lowercase();
    for tag in [
        "<link", "<script", "<img", "<iframe", "<source", "<video", "<audio", "<embed", "<object",
    ] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(tag) {
            let start = from + i;
            let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
            let element = &lower[start..end];
            let is_link_not_fetched = tag == "<link"
                && [
                    "canonical",
                    "alternate",
                    "author",
                    "license",
                    "help",
                    "next",
                    "prev",
                    "search",
                ]
                .iter()
                .any(|rel| {
                    element.contains(&format!("rel=\"{rel}\""))
                        || element.contains(&format!("rel={rel}"))
                });
            if !is_link_not_fetched {
                for attr in ["src=", "href=", "data=", "srcset="] {
                    if let Some(a) = element.find(attr) {
                        let value = element[a + attr.len()..].trim_start_matches(['"', '\'']);
                        if value.starts_with("http://")
                            || value.starts_with("https://")
                            || value.starts_with("//")
                        {
                            found.push(html[start..end.min(start + 200)].to_string());
                        }
                    }
                }
            }
            from = end.max(start + 1);
        }
    }
    found
}

#[test]
fn no_page_type_asks_any_other_host() {
    run(
        "no_page_type_asks_any_other_host",
        Needs::Browser,
        async |b| {
            let mut failures = Vec::new();
            for page in PAGES {
                b.server.take_log();
                visit(b, page).await;

                // What the browser fetched and what the live page refers to.
                for (kind, url) in subresource_urls(b).await {
                    if http_host(&url).is_some_and(|host| host != "127.0.0.1") {
                        failures.push(format!("{} ({}): {kind} {url}", page.kind, page.path));
                    }
                }

                // The HTML as served.
                let source = std::fs::read_to_string(b.output_file(if page.status == 404 {
                    "404.html"
                } else {
                    page.path.split('?').next().unwrap()
                }))
                .unwrap_or_else(|err| panic!("{}: reading the built page: {err}", page.path));
                for element in absolute_subresources_in_html(&source) {
                    failures.push(format!(
                        "{} ({}): the HTML fetches from another site: {element}",
                        page.kind, page.path
                    ));
                }

                // What the server was asked for: only files of the site, under
                // its sub-path, and none missing.
                let wanted = format!("{SUB_PATH}{}", page.path);
                let hits = b.server.take_log();
                let main = hits.iter().find(|h| h.path == wanted);
                match main {
                    Some(hit) if hit.status == page.status => {}
                    Some(hit) => failures.push(format!(
                        "{} ({}): the server answered {} (expected {})",
                        page.kind, page.path, hit.status, page.status
                    )),
                    None => failures.push(format!(
                        "{} ({}): the page was never requested",
                        page.kind, page.path
                    )),
                }
                for hit in hits {
                    if hit.path == "/favicon.ico" || hit.path == wanted {
                        continue; // the browser's own guess at an icon
                    }
                    if !hit.path.starts_with(SUB_PATH) {
                        failures.push(format!(
                            "{} ({}): requested {} outside the site's sub-path {SUB_PATH}",
                            page.kind, page.path, hit.path
                        ));
                    } else if hit.status != 200 {
                        failures.push(format!(
                            "{} ({}): requested {} which answered {}",
                            page.kind, page.path, hit.path, hit.status
                        ));
                    }
                }
            }
            assert!(
                failures.is_empty(),
                "requests beyond the site:\n  {}",
                failures.join("\n  ")
            );
        },
    );
}

#[test]
fn host_parsing() {
    assert_eq!(http_host("http://127.0.0.1:8080/a"), Some("127.0.0.1"));
    assert_eq!(
        http_host("https://fonts.googleapis.com/css"),
        Some("fonts.googleapis.com")
    );
    assert_eq!(http_host("//cdn.example.org/x.js"), Some("cdn.example.org"));
    assert_eq!(http_host("data:image/png;base64,xx"), None);
    assert_eq!(http_host("file:///tmp/x"), None);
    assert_eq!(
        absolute_subresources_in_html(
            "<link rel=\"stylesheet\" href=\"https://cdn/x.css\"><a href=\"https://ok\">x</a>\
             <link rel=\"canonical\" href=\"https://school/\"><script src=\"x.js\"></script>"
        )
        .len(),
        1
    );
}
