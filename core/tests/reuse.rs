//! One report reading many documents learns, and re-learns, the order of their keys: what it
//! says of each document must not depend on what it read before.

use xray_segment::{validate, validate_into, Report};

#[test]
fn a_report_reading_every_fixture_document_in_turn_says_what_a_new_one_says() {
    let catalogue = xray_fixtures::Catalogue::embedded().expect("the embedded catalogue loads");
    let docs: Vec<(&String, &Vec<u8>)> = catalogue.documents.iter().collect();
    assert!(docs.len() > 100, "only {} fixture documents", docs.len());
    let mut report = Report::default();
    // Forward, backward and forward again: each key order is learnt, missed and learnt back.
    let order = (0..docs.len())
        .chain((0..docs.len()).rev())
        .chain(0..docs.len());
    let mut wrong = Vec::new();
    for i in order {
        let (name, doc) = docs[i];
        validate_into(doc, &mut report);
        if report != validate(doc) {
            wrong.push(name.as_str());
        }
    }
    assert!(wrong.is_empty(), "a reused report differs on {wrong:?}");
}
