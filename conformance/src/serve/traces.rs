//! Checks across the documents of one trace, which no single-document validator can make:
//! parents resolve, ids are unique, in-progress documents are completed, subsegments stay
//! within their parent's time, and the trace stays within X-Ray's trace-document limits.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::BuildHasher;

use hashbrown::hash_table::{Entry, HashTable};

use compact_str::CompactString;
use serde::Serialize;
use xray_segment::outline::EntityOutline;

use super::key::Key;

pub use xray_segment::limits::{TRACE_BYTES_LOWER, TRACE_BYTES_UPPER};

/// The slot numbered `n` in a ring whose front is numbered `first`.
fn slot(slots: &VecDeque<(Key, Trace)>, first: u64, n: u64) -> &(Key, Trace) {
    &slots[(n - first) as usize]
}

/// Traces tracked at once; beyond this the oldest is forgotten (counted), so a long run has
/// bounded memory.
pub const MAX_TRACES: usize = 10_000;

/// What the trace checks keep about one accepted document: each entity's id, name, parent and
/// times, copied out of the outline the validator noted while validating it (reading the
/// document a second time cost `serve` more than validating it).
#[derive(Debug)]
pub struct Tracked {
    trace_id: Key,
    /// In document order; the first is the top-level entity.
    entities: Vec<(Key, Node)>,
}

impl Tracked {
    /// `None` when the document has no trace id, or an entity lacks an id, a name or a start
    /// time (such a document is not accepted anyway).
    pub fn new(doc: &[u8], outline: &[EntityOutline]) -> Option<Tracked> {
        let top = outline.first()?;
        let trace_id = Key::new(&top.trace_id.as_ref()?.text(doc));
        let mut entities: Vec<(Key, Node)> = Vec::with_capacity(outline.len());
        for (i, o) in outline.iter().enumerate() {
            let parent = match o.parent {
                Some(p) => Some(entities.get(p)?.0.clone()),
                None if i == 0 => o.parent_id.as_ref().map(|p| Key::new(&p.text(doc))),
                None => return None,
            };
            let node = Node {
                parent,
                embedded: i > 0,
                independent: i == 0 && o.subsegment_type,
                start: o.start_time?,
                end: o.end_time,
                in_progress: o.in_progress,
                name: CompactString::new(o.name.as_ref()?.text(doc)),
            };
            entities.push((Key::new(&o.id.as_ref()?.text(doc)), node));
        }
        Some(Tracked { trace_id, entities })
    }

    pub fn trace_id(&self) -> &Key {
        &self.trace_id
    }
}

#[derive(Debug, Clone)]
struct Node {
    parent: Option<Key>,
    /// The parent is the enclosing entity in the same document (embedded subsegment).
    embedded: bool,
    independent: bool,
    start: f64,
    end: Option<f64>,
    in_progress: bool,
    name: CompactString,
}

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Entities a trace holds before they are indexed by a hash table; most traces hold fewer, and
/// a short list costs one small allocation where a table costs several cache lines.
pub const LINEAR_NODES: usize = 16;

/// A trace's entities by id, in the order first seen.
#[derive(Debug, Default)]
struct Nodes {
    list: Vec<(Key, Node)>,
    /// Built once the list is longer than `LINEAR_NODES`.
    index: Option<Map<Key, usize>>,
}

impl Nodes {
    fn position(&self, id: &Key) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(id).copied(),
            None => self.list.iter().position(|(k, _)| k == id),
        }
    }

    fn get(&self, id: &Key) -> Option<&Node> {
        self.position(id).map(|i| &self.list[i].1)
    }

    /// Adds a node, or replaces the one with the same id and returns it with its id.
    fn insert(&mut self, id: Key, node: Node) -> Option<(&Key, Node)> {
        if let Some(i) = self.position(&id) {
            let (k, old) = &mut self.list[i];
            return Some((k, std::mem::replace(old, node)));
        }
        if self.index.is_none() && self.list.len() >= LINEAR_NODES {
            let index = self.list.iter().enumerate();
            self.index = Some(index.map(|(i, (k, _))| (k.clone(), i)).collect());
        }
        if let Some(index) = &mut self.index {
            index.insert(id.clone(), self.list.len());
        }
        self.list.push((id, node));
        None
    }
}

#[derive(Debug, Default)]
struct Trace {
    documents: usize,
    bytes: usize,
    nodes: Nodes,
    duplicates: Vec<Key>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub check: &'static str,
    /// `error` breaks the trace in X-Ray's console; `info` is worth knowing.
    pub level: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TraceReport {
    pub trace_id: String,
    pub documents: usize,
    pub bytes: usize,
    pub findings: Vec<Finding>,
}

#[derive(Default)]
pub struct Tracker {
    /// The number of each trace's slot (counted from the first trace ever seen), found by its
    /// trace id's hash; the id itself is in the slot. Eight bytes an entry keep the table in
    /// cache, where (id, number) pairs took 32 and each lookup missed it.
    index: HashTable<u64>,
    hasher: foldhash::fast::RandomState,
    /// Traces in the order first seen, so the oldest is forgotten first. Forgetting reads the
    /// front of this ring, not a random place in a table too large for the cache.
    slots: VecDeque<(Key, Trace)>,
    /// The number of `slots[0]`.
    first: u64,
    pub forgotten: u64,
}

impl Tracker {
    /// Adds an accepted document.
    pub fn add(&mut self, doc: Tracked, bytes: usize) {
        let Tracker {
            index,
            hasher,
            slots,
            first,
            ..
        } = self;
        let first = *first;
        let entry = index.entry(
            hasher.hash_one(&doc.trace_id),
            |&n| slot(slots, first, n).0 == doc.trace_id,
            |&n| hasher.hash_one(&slot(slots, first, n).0),
        );
        let number = match entry {
            Entry::Occupied(o) => *o.get(),
            Entry::Vacant(v) => {
                let number = first + slots.len() as u64;
                v.insert(number);
                slots.push_back((doc.trace_id, Trace::default()));
                number
            }
        };
        let trace = &mut self.slots[(number - self.first) as usize].1;
        trace.documents += 1;
        trace.bytes += bytes;
        if trace.nodes.list.is_empty() && doc.entities.len() == 1 {
            // A new trace's one entity: its list is taken as it is, not copied.
            trace.nodes.list = doc.entities;
        } else {
            for (id, node) in doc.entities {
                let in_progress = node.in_progress;
                if let Some((id, old)) = trace.nodes.insert(id, node) {
                    // An in-progress document is later replaced by the complete one (spec 1.1).
                    let completes = old.in_progress && !in_progress;
                    if !completes {
                        trace.duplicates.push(id.clone());
                    }
                }
            }
        }
        if self.slots.len() > MAX_TRACES {
            if let Some((oldest, _)) = self.slots.pop_front() {
                // Found by its number: the slot it named is gone already.
                let first = self.first;
                if let Ok(e) = self
                    .index
                    .find_entry(self.hasher.hash_one(&oldest), |&n| n == first)
                {
                    e.remove();
                }
                self.first += 1;
                self.forgotten += 1;
            }
        }
    }

    /// The number of a trace's slot, if it is tracked.
    #[cfg(test)]
    fn number(&self, id: &Key) -> Option<u64> {
        self.index
            .find(self.hasher.hash_one(id), |&n| {
                slot(&self.slots, self.first, n).0 == *id
            })
            .copied()
    }

    /// Every trace's findings, sorted by trace id.
    pub fn reports(&self) -> Vec<TraceReport> {
        let sorted: BTreeMap<String, &Trace> =
            self.slots.iter().map(|(k, t)| (k.to_string(), t)).collect();
        sorted
            .into_iter()
            .map(|(id, t)| TraceReport {
                trace_id: id,
                documents: t.documents,
                bytes: t.bytes,
                findings: findings(t),
            })
            .collect()
    }
}

fn findings(t: &Trace) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut ids: Vec<(String, &Node)> = t
        .nodes
        .list
        .iter()
        .map(|(k, n)| (k.to_string(), n))
        .collect();
    ids.sort_by(|a, b| a.0.cmp(&b.0));
    for id in &t.duplicates {
        out.push(Finding {
            check: "unique_ids",
            level: "error",
            message: format!(
                "id {id} was sent twice, not as an in-progress document completed later"
            ),
        });
    }
    for (id, n) in ids {
        if n.in_progress {
            out.push(Finding {
                check: "in_progress_completed",
                level: "error",
                message: format!(
                    "{id} ({}) is still in progress: no complete document followed",
                    n.name
                ),
            });
        }
        if let Some(parent) = &n.parent {
            match t.nodes.get(parent) {
                None if n.independent => out.push(Finding {
                    check: "parent_resolves",
                    level: "error",
                    message: format!("subsegment {id} ({}) names parent {parent}, which no document of the trace holds", n.name),
                }),
                None => out.push(Finding {
                    check: "parent_resolves",
                    level: "info",
                    message: format!("segment {id} ({}) names parent {parent} outside the trace: an untraced caller or a missing upstream segment", n.name),
                }),
                Some(p) if n.embedded || n.independent => {
                    let ends_after = matches!((n.end, p.end), (Some(c), Some(pe)) if c > pe);
                    if n.start < p.start || ends_after {
                        out.push(Finding {
                            check: "times_within_parent",
                            level: "error",
                            message: format!("{id} ({}) runs {}..{} outside its parent {parent} {}..{}", n.name, n.start, fmt_end(n.end), p.start, fmt_end(p.end)),
                        });
                    }
                }
                Some(_) => {}
            }
        }
    }
    if t.bytes > TRACE_BYTES_UPPER {
        out.push(Finding {
            check: "trace_size",
            level: "error",
            message: format!(
                "{} bytes exceed X-Ray's 500 KB dynamic trace limit",
                t.bytes
            ),
        });
    } else if t.bytes > TRACE_BYTES_LOWER {
        out.push(Finding { check: "trace_size", level: "info", message: format!("{} bytes exceed the 100 KB lower trace limit (fine only when segments are batched)", t.bytes) });
    }
    out
}

fn fmt_end(e: Option<f64>) -> String {
    e.map_or_else(|| "(open)".into(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "1-581cf771-a006649127e371903a2de979";

    fn doc(v: serde_json::Value) -> (Tracked, usize) {
        let text = v.to_string();
        let mut report = xray_segment::Report::outlining();
        xray_segment::validate_into(text.as_bytes(), &mut report);
        let tracked = Tracked::new(text.as_bytes(), report.outline()).unwrap();
        (tracked, text.len())
    }

    fn add(t: &mut Tracker, (e, n): (Tracked, usize)) {
        t.add(e, n);
    }

    /// A one-segment document of its own trace, numbered `n`.
    fn trace_of_one(n: u32) -> Tracked {
        let node = Node {
            parent: None,
            embedded: false,
            independent: false,
            start: 1.0,
            end: Some(2.0),
            in_progress: false,
            name: "s".into(),
        };
        Tracked {
            trace_id: Key::new(&format!("1-581cf771-{n:024x}")),
            entities: vec![(Key::new("0000000000000001"), node)],
        }
    }

    #[test]
    fn the_oldest_trace_is_forgotten_past_the_limit() {
        let mut t = Tracker::default();
        for n in 0..MAX_TRACES as u32 - 1 {
            t.add(trace_of_one(n), 1);
        }
        assert_eq!(
            (t.slots.len(), t.index.len(), t.forgotten),
            (MAX_TRACES - 1, MAX_TRACES - 1, 0)
        );
        t.add(trace_of_one(MAX_TRACES as u32 - 1), 1);
        assert_eq!(
            (t.slots.len(), t.index.len(), t.forgotten),
            (MAX_TRACES, MAX_TRACES, 0)
        );
        // A document of a trace already tracked forgets nothing.
        t.add(trace_of_one(0), 1);
        assert_eq!(
            (t.slots.len(), t.index.len(), t.forgotten),
            (MAX_TRACES, MAX_TRACES, 0)
        );
        t.add(trace_of_one(MAX_TRACES as u32), 1);
        assert_eq!(
            (t.slots.len(), t.index.len(), t.forgotten),
            (MAX_TRACES, MAX_TRACES, 1)
        );
        assert_eq!(t.number(&trace_of_one(0).trace_id), None);
        assert!(t.number(&trace_of_one(1).trace_id).is_some());
        // Slot numbers still lead to the right trace after the front of the ring moved.
        let one = trace_of_one(1).trace_id;
        t.add(trace_of_one(1), 1);
        let (key, trace) = slot(&t.slots, t.first, t.number(&one).unwrap());
        assert_eq!((key, trace.documents), (&one, 2));
    }

    #[test]
    fn a_new_traces_first_entity_is_tracked_like_any_other() {
        // The first document's one entity starts the trace: the same id again is a duplicate.
        let mut t = Tracker::default();
        t.add(trace_of_one(7), 1);
        t.add(trace_of_one(7), 1);
        let r = t.reports();
        assert_eq!((r.len(), r[0].documents), (1, 2));
        assert!(
            r[0].findings.iter().any(|f| f.check == "unique_ids"),
            "{:?}",
            r[0].findings
        );
        // An in-progress first document is still in progress at the end.
        let mut t = Tracker::default();
        let mut doc = trace_of_one(8);
        doc.entities[0].1.in_progress = true;
        t.add(doc, 1);
        let r = t.reports();
        assert!(
            r[0].findings
                .iter()
                .any(|f| f.check == "in_progress_completed"),
            "{:?}",
            r[0].findings
        );
    }

    fn node(in_progress: bool) -> Node {
        Node {
            parent: None,
            embedded: false,
            independent: false,
            start: 1.0,
            end: None,
            in_progress,
            name: "n".into(),
        }
    }

    #[test]
    fn nodes_are_found_on_both_sides_of_the_index() {
        for count in [LINEAR_NODES - 1, LINEAR_NODES, LINEAR_NODES + 1] {
            let mut nodes = Nodes::default();
            let id = |i: usize| Key::new(&format!("{i:016x}"));
            for i in 0..count {
                assert!(nodes.insert(id(i), node(true)).is_none());
            }
            assert_eq!(nodes.index.is_some(), count > LINEAR_NODES, "{count}");
            for i in 0..count {
                assert!(nodes.get(&id(i)).is_some_and(|n| n.in_progress));
                let (k, old) = nodes.insert(id(i), node(false)).unwrap();
                assert!(*k == id(i) && old.in_progress);
                assert!(nodes.get(&id(i)).is_some_and(|n| !n.in_progress));
            }
            assert!(nodes.get(&id(count)).is_none());
            assert_eq!(nodes.list.len(), count);
        }
    }

    #[test]
    fn findings_per_check() {
        let mut t = Tracker::default();
        add(
            &mut t,
            doc(
                serde_json::json!({"name":"a","id":"0000000000000001","trace_id":T,"start_time":10.0,"end_time":20.0,
            "subsegments":[{"name":"late","id":"0000000000000002","start_time":15.0,"end_time":25.0}]}),
            ),
        );
        add(
            &mut t,
            doc(
                serde_json::json!({"name":"x","id":"0000000000000003","trace_id":T,"type":"subsegment","parent_id":"00000000000000ff","start_time":11.0,"end_time":12.0}),
            ),
        );
        add(
            &mut t,
            doc(
                serde_json::json!({"name":"p","id":"0000000000000004","trace_id":T,"start_time":11.0,"in_progress":true}),
            ),
        );
        add(
            &mut t,
            doc(
                serde_json::json!({"name":"a","id":"0000000000000001","trace_id":T,"start_time":10.0,"end_time":20.0}),
            ),
        );
        let r = &t.reports()[0];
        let checks: Vec<&str> = r.findings.iter().map(|f| f.check).collect();
        assert!(checks.contains(&"times_within_parent"), "{checks:?}");
        assert!(checks.contains(&"parent_resolves"));
        assert!(checks.contains(&"in_progress_completed"));
        assert!(checks.contains(&"unique_ids"));
        // Completing the in-progress segment clears that finding.
        add(
            &mut t,
            doc(
                serde_json::json!({"name":"p","id":"0000000000000004","trace_id":T,"start_time":11.0,"end_time":12.0}),
            ),
        );
        let r = &t.reports()[0];
        assert!(!r
            .findings
            .iter()
            .any(|f| f.check == "in_progress_completed"));
    }
}
