//! The scanner against serde_json and `parse`, on generated texts.

use super::*;
use proptest::prelude::*;

/// Whitespace between tokens: mostly none or little, sometimes a run around the length where
/// the scanner starts skipping sixteen bytes at a time, or well past it.
fn whitespace() -> impl Strategy<Value = String> + Clone {
    let run = |n: usize| Just(" \n\t\r".chars().cycle().take(n).collect::<String>());
    prop_oneof![
        4 => Just(String::new()),
        2 => Just(" ".to_string()),
        2 => Just("\n\t".to_string()),
        1 => run(SHORT_WHITESPACE - 1),
        1 => run(SHORT_WHITESPACE),
        1 => run(SHORT_WHITESPACE + 1),
        1 => run(3 * SHORT_WHITESPACE + 5),
    ]
}

/// JSON texts of objects, arrays, strings and numbers, compact or spaced.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("\"ab\"".to_string()),
        Just("12".to_string()),
        Just("true".to_string())
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        let ws = whitespace();
        prop_oneof![
            (
                proptest::collection::vec((inner.clone(), ws.clone()), 0..4),
                ws.clone()
            )
                .prop_map(|(items, w)| {
                    let items: Vec<String> = items
                        .into_iter()
                        .map(|(v, w)| format!("{w}{v}{w}"))
                        .collect();
                    format!("[{w}{}]", items.join(","))
                }),
            (proptest::collection::vec((inner, ws.clone()), 0..4), ws).prop_map(|(items, w)| {
                let items: Vec<String> = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, (v, w))| format!("{w}\"k{i}\"{w}:{w}{v}{w}"))
                    .collect();
                format!("{{{w}{}}}", items.join(","))
            }),
        ]
    })
}

#[test]
fn numbers_off_the_fast_path_still_agree_with_parse() {
    for text in [
        "0",
        "-0",
        "7",
        "1478293361.271",
        "123456789012345",
        "1234567890123456",
        "12345678.9012345",
        "0.000000000000001",
        "1e5",
        "1.5E-3",
        "-2e+2",
        "99.95",
        "1e400",
        "-1234567.8",
    ] {
        let n = num(text);
        assert_eq!(n.integer, !text.contains(['.', 'e', 'E']), "{text}");
        let parsed = text.parse::<f64>().ok().filter(|v| v.is_finite());
        assert_eq!(n.to_f64(), parsed, "{text}");
    }
}

/// A number read by the scanner, so its fields are the scanner's.
fn num(text: &str) -> Num<'_> {
    let mut s = Scanner::new(text.as_bytes());
    let n = s.decimal().expect(text);
    assert_eq!(n.raw, text.as_bytes());
    n
}

/// Plain decimals (no exponent, at most 15 digits), some with trailing zeros, some zero,
/// many sharing their integer part, as epoch times do.
fn plain_decimal() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just(0u64),
            Just(1_700_000_000u64),
            0u64..1000,
            0u64..10_000_000_000
        ],
        prop_oneof![Just(None), (0u64..1000, 1usize..5).prop_map(Some)],
        any::<bool>(),
    )
        .prop_map(|(int, frac, neg)| {
            let sign = if neg { "-" } else { "" };
            match frac {
                None => format!("{sign}{int}"),
                Some((f, width)) => format!("{sign}{int}.{:0width$}", f % 10u64.pow(width as u32)),
            }
        })
}

fn scans(doc: &[u8]) -> bool {
    let mut s = Scanner::new(doc);
    s.skip().and_then(|()| s.end()).is_ok()
}

/// `Scanner::skip` as it was written first, a recursion: the loop must stop where it did,
/// with the same error.
fn skip_recursively(s: &mut Scanner<'_>) -> Result<(), Stop> {
    match s.kind()? {
        Kind::Object => {
            s.enter()?;
            let mut first = true;
            while s.next_key(&mut first)?.is_some() {
                skip_recursively(s)?;
            }
        }
        Kind::Array => {
            s.enter()?;
            let mut first = true;
            while s.next_item(&mut first)? {
                skip_recursively(s)?;
            }
        }
        Kind::String => {
            s.string()?;
        }
        Kind::Number => {
            s.number()?;
        }
        Kind::Bool => {
            s.boolean()?;
        }
        Kind::Null => s.null()?,
    }
    Ok(())
}

/// What a skip returns, where its cursor ends and how deep it is left.
fn skipped(doc: &[u8], recursive: bool) -> (Result<(), Stop>, usize, usize) {
    let mut s = Scanner::new(doc);
    let result = if recursive {
        skip_recursively(&mut s)
    } else {
        s.skip()
    };
    (result, s.i, s.depth)
}

/// Where a string of `\\u` escapes must fail: the first byte after a `\\u` that is not one of
/// its four hex digits. `None` when there is none, or a quote after the digits ends the string.
fn first_bad_hex_digit(units: &[Vec<u8>]) -> Option<usize> {
    // The opening quote.
    let mut at = 1;
    for unit in units {
        at += 2;
        for k in 0..4 {
            if !unit.get(k).is_some_and(u8::is_ascii_hexdigit) {
                return Some(at);
            }
            at += 1;
        }
        if unit[4..].contains(&b'"') {
            return None;
        }
        at += unit.len() - 4;
    }
    None
}

/// A string read a byte at a time, as the JSON grammar says and the scanner pairs surrogates:
/// where the cursor ends (past the closing quote) or the offset of the error, and whether an
/// escape stood for a lone surrogate.
fn string_byte_by_byte(doc: &[u8]) -> (Result<usize, usize>, bool) {
    let hex4 = |at: usize| -> Result<u32, usize> {
        for k in at..at + 4 {
            if !doc.get(k).is_some_and(u8::is_ascii_hexdigit) {
                return Err(k);
            }
        }
        Ok(u32::from_str_radix(std::str::from_utf8(&doc[at..at + 4]).unwrap(), 16).unwrap())
    };
    let mut lone = false;
    let mut i = 1;
    loop {
        match doc.get(i) {
            None => return (Err(i), lone),
            Some(b'"') => return (Ok(i + 1), lone),
            Some(b'\\') => match doc.get(i + 1) {
                Some(c) if b"\"\\/bfnrt".contains(c) => i += 2,
                Some(b'u') => {
                    let unit = match hex4(i + 2) {
                        Ok(unit) => unit,
                        Err(at) => return (Err(at), lone),
                    };
                    i += 6;
                    if (0xD800..0xDC00).contains(&unit) && doc[i..].starts_with(b"\\u") {
                        match hex4(i + 2) {
                            Ok(0xDC00..0xE000) => i += 6,
                            Ok(_) => lone = true,
                            Err(at) => return (Err(at), lone),
                        }
                    } else if (0xD800..0xE000).contains(&unit) {
                        lone = true;
                    }
                }
                _ => return (Err(i + 1), lone),
            },
            Some(0..0x20) => return (Err(i), lone),
            Some(_) => i += 1,
        }
    }
}

proptest! {
    #[test]
    fn runs_of_u_escapes_read_as_one_escape_at_a_time(
        lead in proptest::collection::vec(b'a'..=b'z', 0..3),
        units in proptest::collection::vec(
            (
                proptest::sample::select(b"0123456789abcdefABCDEFdDdD".to_vec()),
                proptest::collection::vec(
                    proptest::sample::select(b"0123456789abcdefABCDEF".to_vec()),
                    3,
                ),
            ),
            0..40,
        ),
        change in proptest::option::of((
            any::<prop::sample::Index>(),
            proptest::sample::select(b"\"\\uUgGdD0fF:x\x1f\x7f".to_vec()),
        )),
        end in proptest::sample::select(vec![&b"\""[..], b"", b"\\", b"\\u", b"\\ud83d\""]),
    ) {
        // Runs long enough to be taken eight escapes at a time, surrogates among them, and
        // at most one byte changed anywhere, to break a run where the block checks must see it.
        let mut doc = [b"\"".as_slice(), &lead].concat();
        for (first, rest) in &units {
            doc.extend_from_slice(b"\\u");
            doc.push(*first);
            doc.extend_from_slice(rest);
        }
        if let Some((at, byte)) = change.filter(|_| doc.len() > 1) {
            let at = 1 + at.index(doc.len() - 1);
            doc[at] = byte;
        }
        doc.extend_from_slice(end);
        let (expected, lone) = string_byte_by_byte(&doc);
        let mut s = Scanner::new(&doc);
        let read = s.string().map(|_| s.i).map_err(|stop| match stop {
            Stop::Syntax { offset, .. } => offset,
            Stop::Depth { offset } => offset,
        });
        let text = String::from_utf8_lossy(&doc);
        prop_assert_eq!(read, expected, "{}", text);
        prop_assert_eq!(!s.lone_surrogates.is_empty(), lone, "{}", text);
    }

    #[test]
    fn u_escapes_agree_with_serde_json_and_fail_at_the_first_bad_digit(
        units in proptest::collection::vec(
            // No first digit `d`, so no surrogates, which serde_json and the scanner treat apart.
            (
                proptest::sample::select(b"0123456789abcefABCEFg\"".to_vec()),
                proptest::collection::vec(
                    prop_oneof![
                        6 => proptest::sample::select(b"0123456789abcdefABCDEF".to_vec()),
                        1 => proptest::sample::select(b"gG/:@`\" xz".to_vec()),
                    ],
                    0..5,
                ),
            ).prop_map(|(first, rest)| [vec![first], rest].concat()),
            1..4,
        )
    ) {
        let mut doc = b"\"".to_vec();
        for unit in &units {
            doc.extend_from_slice(b"\\u");
            doc.extend_from_slice(unit);
        }
        doc.push(b'"');
        let serde = serde_json::from_slice::<serde::de::IgnoredAny>(&doc).is_ok();
        let mut s = Scanner::new(&doc);
        let read = s.string().and_then(|_| s.end());
        let text = String::from_utf8_lossy(&doc);
        prop_assert_eq!(read.is_ok(), serde, "{}", text);
        if let Some(at) = first_bad_hex_digit(&units) {
            let expected = Stop::Syntax { offset: at, message: "invalid \\u escape" };
            prop_assert_eq!(read, Err(expected), "{}", text);
        }
    }

    #[test]
    fn syntax_agrees_with_serde_json(
        doc in json_text(),
        at in 0usize..400,
        edit in prop_oneof![Just(None), Just(Some("")), Just(Some(",")), Just(Some(":")),
            Just(Some("\"")), Just(Some(" ")), Just(Some("}")), Just(Some("]")), Just(Some("1"))],
    ) {
        // A valid text, or one byte of it replaced: both sides must agree on either.
        let mut doc = doc.into_bytes();
        if let Some(with) = edit {
            let at = at % doc.len();
            doc.splice(at..at + 1, with.bytes());
        }
        let serde = serde_json::from_slice::<serde::de::IgnoredAny>(&doc).is_ok();
        prop_assert_eq!(scans(&doc), serde, "{}", String::from_utf8_lossy(&doc));
    }

    #[test]
    fn the_skip_loop_stops_where_the_recursion_did(
        doc in json_text(),
        at in 0usize..400,
        edit in prop_oneof![Just(None), Just(Some("")), Just(Some(",")), Just(Some(":")),
            Just(Some("\"")), Just(Some(" ")), Just(Some("}")), Just(Some("]")), Just(Some("1")),
            Just(Some("{")), Just(Some("[")), Just(Some("nul")), Just(Some("\"k\":"))],
        nesting in 0usize..3,
    ) {
        let mut doc = doc.into_bytes();
        if let Some(with) = edit {
            let at = at % doc.len();
            doc.splice(at..at + 1, with.bytes());
        }
        // Sometimes inside containers nested to the depth limit, and one past it.
        let depth = [0, MAX_DEPTH - 4, MAX_DEPTH + 1][nesting];
        let doc = [b"[".repeat(depth), doc, b"]".repeat(depth)].concat();
        prop_assert_eq!(skipped(&doc, false), skipped(&doc, true), "{}", String::from_utf8_lossy(&doc));
    }

    #[test]
    fn eight_digits_convert_in_one_step(n in 0u64..100_000_000) {
        let text = format!("{n:08}");
        let eight = text.as_bytes().first_chunk::<8>().copied().unwrap_or_default();
        prop_assert_eq!(number::eight_digits(u64::from_le_bytes(eight)), n);
    }

    #[test]
    fn the_decimal_fast_path_agrees_with_parse(int in 0u64..10_000_000_000, frac in 0u64..1_000_000, digits in 0usize..7, neg: bool) {
        let text = match digits {
            0 => format!("{}{int}", if neg { "-" } else { "" }),
            d => format!("{}{int}.{:0width$}", if neg { "-" } else { "" }, frac % 10u64.pow(d as u32), width = d),
        };
        let n = num(&text);
        prop_assert_eq!(n.integer, digits == 0);
        prop_assert_eq!(n.to_f64(), text.parse::<f64>().ok(), "{}", text);
    }

    #[test]
    fn plain_numbers_compare_by_text_as_their_doubles_do((a, b) in plain_decimal().prop_flat_map(|a| {
        // The second number is unrelated, or the first with trailing zeros, or the first
        // with its last digit changed: the cases where text and value could part.
        let zeros = if a.contains('.') { format!("{a}00") } else { format!("{a}.0") };
        let mut bumped = a.clone().into_bytes();
        if let Some(last) = bumped.last_mut() {
            *last = if *last == b'9' { b'0' } else { *last + 1 };
        }
        let bumped = String::from_utf8(bumped).unwrap_or_default();
        (Just(a), prop_oneof![plain_decimal(), Just(zeros), Just(bumped)])
    })) {
        let (x, y) = (num(&a), num(&b));
        // The first is always plain; the second may have grown past 15 digits.
        prop_assert!(x.plain, "{}", a);
        let (fx, fy) = (a.parse::<f64>().unwrap(), b.parse::<f64>().unwrap());
        prop_assert_eq!(x.plain_at_most_zero(), fx <= 0.0, "{}", a);
        let expected = (y.plain && !a.starts_with('-') && !b.starts_with('-'))
            .then(|| fx.total_cmp(&fy));
        prop_assert_eq!(x.cmp_plain(y), expected, "{} {}", a, b);
    }

    #[test]
    fn the_block_number_paths_agree_with_the_byte_loop(
        minus: bool,
        head in proptest::collection::vec(prop_oneof![9 => b'0'..=b'9', 1 => Just(b'.')], 0..36),
        exponent in proptest::option::of("[eE][+-]?[0-9]{0,3}"),
        tail in proptest::collection::vec(prop_oneof![
            8 => b'0'..=b'9', 2 => Just(b'.'), 1 => Just(b'-'), 1 => Just(b'e'), 1 => Just(b'E'),
            1 => Just(b'+'), 1 => Just(b','), 1 => Just(b'}'), 1 => Just(b' '), 1 => Just(b'x'),
        ], 1..12),
    ) {
        // Perhaps a minus sign, a run of digits up to 35 bytes, perhaps an exponent, then
        // anything: numbers that end inside the 16-byte block, at its last byte, inside the
        // 32-byte window of `decimal`, at its last byte, past it, and inputs shorter than
        // either.
        let sign = if minus { &b"-"[..] } else { b"" };
        let exponent = exponent.unwrap_or_default().into_bytes();
        let text = [sign, &head, &exponent, &tail].concat();
        let read = |detail: bool, fast: bool| {
            let mut s = Scanner::new(&text);
            let n = match (detail, fast) {
                (false, true) => s.number(),
                (true, true) => s.decimal(),
                (false, false) => s.number_bytes::<false>(),
                (true, false) => s.number_bytes::<true>(),
            };
            (n.map(|n| (n.raw, n.integer, n.plain, n.point, n.start)), s.i)
        };
        for detail in [false, true] {
            prop_assert_eq!(read(detail, true), read(detail, false), "{}", String::from_utf8_lossy(&text));
        }
    }

    #[test]
    fn plain_means_no_exponent_and_at_most_15_digits(digits in 1usize..20, point in 0usize..20, exp: bool, neg: bool) {
        let mut text: String = (0..digits).map(|i| char::from(b'1' + (i % 9) as u8)).collect();
        if point > 0 && point < digits {
            text.insert(point, '.');
        }
        if exp {
            text.push_str("e3");
        }
        if neg {
            text.insert(0, '-');
        }
        prop_assert_eq!(num(&text).plain, !exp && digits <= 15, "{}", text);
    }

    #[test]
    fn decoding_while_scanning_agrees_with_scanning_then_decoding(
        content in proptest::collection::vec(prop_oneof![
            Just(b'\\'), Just(b'"'), Just(b'u'), Just(b'n'), Just(b'0'), Just(b'd'), Just(b'8'),
            Just(0x1fu8), Just(b'a'), Just(b'/'), Just(b't'), Just(b'f'),
        ], 0..200),
        json in "(\\PC|[\"\\\\\u{0}-\u{1f}]){0,150}",
        // Strings inside a request body are followed by more of it; the 16-byte loops
        // only run while enough bytes follow.
        after in 0usize..64,
    ) {
        let mut from_json = serde_json::to_string(&json).unwrap().into_bytes();
        let mut raw_case = vec![b'"'];
        raw_case.extend_from_slice(&content);
        raw_case.push(b'"');
        for doc in [&mut raw_case, &mut from_json] {
            doc.extend(std::iter::repeat_n(b' ', after));
        }
        for doc in [raw_case, from_json] {
            let mut plain = Scanner::new(&doc);
            let mut fused = Scanner::new(&doc);
            let mut out = b"kept".to_vec();
            let a = plain.string();
            let b = fused.string_decoded(&mut out);
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!((a.raw, a.escaped, a.start), (b.raw, b.escaped, b.start));
                    prop_assert_eq!(plain.i, fused.i);
                    let mut expected = String::from("kept");
                    if a.escaped {
                        let mut decoded = String::new();
                        unescape_into(a.raw, &mut decoded);
                        expected.push_str(&decoded);
                    }
                    prop_assert_eq!(out, expected.into_bytes());
                }
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "{:?} vs {:?}", a.map(|s| s.raw), b.map(|s| s.raw)),
            }
            prop_assert_eq!(&plain.lone_surrogates, &fused.lone_surrogates);
        }
    }
}

#[test]
fn exact_means_at_least_one_within_the_digit_limits_once_the_exponent_moved_the_point() {
    // Every length up to two past each limit, every place of the point, every form.
    for digits in 1..=number::MAX_EXACT_DIGITS + 2 {
        for point in 1..=digits.min(number::MAX_EXACT_INTEGER_DIGITS + 2) {
            for form in 0..8 {
                let (exp, neg, zero) = (form & 1 != 0, form & 2 != 0, form & 4 != 0);
                // JSON numbers have no leading zero but a lone one.
                if zero && point > 1 {
                    continue;
                }
                // Digits 1 to 9 and 0 in turn, so that no run of them is only zeros.
                let mut text: String = (0..digits)
                    .map(|i| char::from(b'0' + ((i + 1) % 10) as u8))
                    .collect();
                if zero {
                    text.replace_range(..1, "0");
                }
                if point < digits {
                    text.insert(point, '.');
                }
                if exp {
                    text.push_str("e3");
                }
                if neg {
                    text.insert(0, '-');
                }
                // `e3` moves the point three places, adding zeros past the fraction.
                let shift = if exp { 3 } else { 0 };
                let fraction = digits - point;
                let expected = !neg
                    && !zero
                    && point + fraction.max(shift) <= number::MAX_EXACT_DIGITS
                    && point + shift <= number::MAX_EXACT_INTEGER_DIGITS;
                let exact = num(&text).exact();
                assert_eq!(exact.is_some(), expected, "{text}");
                if let Some(d) = exact {
                    let mut plain: String = text
                        .trim_end_matches("e3")
                        .chars()
                        .filter(char::is_ascii_digit)
                        .collect();
                    plain.push_str(&"0".repeat(shift.saturating_sub(fraction)));
                    assert_eq!(d.digits.to_string(), plain, "{text}");
                    assert_eq!(d.scale as usize, fraction.saturating_sub(shift), "{text}");
                }
            }
        }
    }
}

#[test]
fn a_key_is_guessed_up_to_max_guessed_key_bytes() {
    use guess::MAX_GUESSED_KEY_BYTES;
    for n in [
        MAX_GUESSED_KEY_BYTES - 1,
        MAX_GUESSED_KEY_BYTES,
        MAX_GUESSED_KEY_BYTES + 1,
    ] {
        let key = "k".repeat(n);
        let guess = KeyGuess::new(key.as_bytes());
        assert_eq!(guess.is_some(), n <= MAX_GUESSED_KEY_BYTES, "{n} bytes");
        if let Some(g) = guess {
            // Padded so that 16 bytes follow the quote.
            let text = format!(r#"{{"{key}":1,"x":2}}              "#);
            let mut s = Scanner::new(text.as_bytes());
            s.enter().expect("an object");
            let read = s.next_key_guess(&mut true, Some(&g)).expect("a key");
            assert_eq!(
                read.map(|(k, guessed)| (k.raw, guessed)),
                Some((key.as_bytes(), true))
            );
        }
    }
    for bad in [&b"a\"b"[..], b"a\\b", b"a\nb", "n\u{e4}me".as_bytes()] {
        assert!(KeyGuess::new(bad).is_none(), "{bad:?}");
    }
}

proptest! {
    #[test]
    fn a_guessed_key_reads_as_the_searched_one(
        keys in proptest::collection::vec(prop_oneof![
            Just("name"), Just("nam"), Just("name2"), Just(r"na\u006de"), Just(r"name\n"), Just(""),
            Just("n\u{e4}me"),
        ], 1..5),
        spaced in proptest::collection::vec(any::<bool>(), 5),
        pad in 0usize..20,
    ) {
        // Objects whose keys are the guess, near it, or escaped, with or without a space
        // before the colon, ending at every distance from the input's end.
        let members: Vec<String> = keys.iter().zip(&spaced)
            .map(|(k, s)| format!(r#""{k}"{}:1"#, if *s { " " } else { "" }))
            .collect();
        let text = format!("{{{}}}{}", members.join(","), " ".repeat(pad));
        let read = |guess: Option<&KeyGuess>| {
            let mut s = Scanner::new(text.as_bytes());
            let mut out = vec![];
            let r = s.enter().and_then(|()| {
                let mut first = true;
                while let Some((k, _)) = s.next_key_guess(&mut first, guess)? {
                    out.push((k.raw.to_vec(), k.escaped, k.start, s.i));
                    s.skip()?;
                }
                Ok(())
            });
            (r, out)
        };
        let guess = KeyGuess::new(b"name");
        prop_assert_eq!(read(guess.as_ref()), read(None), "{}", text);
    }
}
