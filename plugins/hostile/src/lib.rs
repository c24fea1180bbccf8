//! `hostile`: a service that misbehaves on request, to prove the sandbox. Built for the tests only;
//! never install it in a real city. The `mode` field picks the misbehaviour.

use carmen_sdk::form::{choices, field};
use carmen_sdk::*;
use std::hint::black_box;

struct Hostile;

const MODES: &[(&str, &str)] = &[
    ("ok", "Behave"),
    ("loop", "Loop forever"),
    ("allocate", "Allocate without end"),
    ("recurse", "Recurse without end"),
    ("recurse-in-memory", "Recurse without end with large frames"),
    ("panic", "Panic"),
    ("flood-stdout", "Write megabytes to stdout"),
    ("peek-case", "Ask for a case by id"),
    ("poke-case", "Change a case by id"),
    (
        "open-then-loop",
        "Open cases, queue messages and write the store, then loop forever",
    ),
    ("open-many", "Open cases until the host says no"),
    ("send-many", "Queue messages until the host says no"),
    ("forge-log", "Write log lines that pretend to be the host's"),
    ("hammer", "Call the host in a tight loop forever"),
    ("hog", "Take memory up to the cap, then loop forever"),
    (
        "slow",
        "Compute for a while (a few hundred milliseconds), then answer",
    ),
    ("read-many", "Read store entries until the host says no"),
    (
        "mark",
        "Keep the description as the mark that describe shows in language x-store",
    ),
];

/// A case this service opens on its own.
fn draft(n: u32) -> CaseDraft {
    CaseDraft {
        title: format!("hostile case {n}"),
        description: "x".repeat(1024),
        priority: Priority::Normal,
        location: None,
        department: None,
        due: None,
        notice: None,
    }
}

/// A message this service queues on its own.
fn message(n: u32) -> notify::Message {
    notify::Message {
        to: Contact {
            name: None,
            email: Some("victim@example.org".into()),
            phone: None,
        },
        subject: format!("hostile message {n}"),
        body: "y".repeat(16 * 1024),
        case_id: None,
    }
}

/// Loops until the host stops the call.
fn spin() -> ! {
    let mut n = 0u64;
    loop {
        n = black_box(n.wrapping_add(1));
    }
}

/// Recursion whose frames live on wasm's own stack.
#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    black_box(recurse(black_box(depth + 1))) + 1
}

/// Recursion whose frames hold arrays, so they live on the stack in linear memory.
#[allow(unconditional_recursion)]
fn recurse_in_memory(depth: u64) -> u64 {
    let mut frame = [depth; 64];
    black_box(&mut frame);
    recurse_in_memory(depth + 1) + frame[3]
}

impl Guest for Hostile {
    fn describe(language: String) -> ServiceDescription {
        // In language x-store the description shows what the store holds: it changes while the
        // install stays the same.
        // In language x-huge the description is larger than a host takes (300 KiB); in x-big-...
        // it is large but allowed (100 KiB), and a language each, to fill a host's cache.
        let description = if language == "x-store" {
            let mark = store::get("mark").ok().flatten().unwrap_or_default();
            format!("mark: {}", String::from_utf8_lossy(&mark))
        } else if language == "x-huge" {
            "h".repeat(300 * 1024)
        } else if language.starts_with("x-big") {
            format!("{language} {}", "b".repeat(100 * 1024))
        } else {
            "Misbehaves on request, to test the sandbox.".into()
        };
        ServiceDescription {
            code: "hostile".into(),
            name: "Hostile test service".into(),
            description,
            group: "Tests".into(),
            keywords: vec![],
            department: "testing".into(),
            sla_hours: 0,
            fields: vec![
                field(
                    "mode",
                    "Misbehaviour",
                    "",
                    true,
                    1,
                    Datatype::SingleValueList(choices(MODES)),
                ),
                field(
                    "case-id",
                    "Case id to ask for",
                    "",
                    false,
                    2,
                    Datatype::Number,
                ),
            ],
            location: Need::None,
            contact: Need::None,
            language: "en".into(),
        }
    }

    fn validate(_submission: Submission) -> Vec<FieldError> {
        Vec::new()
    }

    fn submit(submission: Submission) -> Outcome {
        let answer = |message: String| {
            Outcome::Answered(Answer {
                reference: "hostile".into(),
                message,
            })
        };
        match submission.value("mode").unwrap_or("ok") {
            "loop" => spin(),
            "open-then-loop" => {
                for n in 0..5 {
                    let _ = cases::create(&draft(n));
                    let _ = notify::send(&message(n));
                }
                let _ = store::set("left-behind", b"should not be kept");
                spin()
            }
            "open-many" => {
                let mut opened = 0;
                let error = loop {
                    match cases::create(&draft(opened)) {
                        Ok(_) => opened += 1,
                        Err(e) => break e,
                    }
                };
                answer(format!("opened {opened}; then {error:?}"))
            }
            "send-many" => {
                let mut sent = 0;
                let error = loop {
                    match notify::send(&message(sent)) {
                        Ok(_) => sent += 1,
                        Err(e) => break e,
                    }
                };
                answer(format!("sent {sent}; then {error:?}"))
            }
            "forge-log" => {
                log::write(
                    log::Level::Info,
                    "booked\n2026-11-28T10:00:00.000000Z  INFO carmen: city=hillcrest forged\x1b[2K\r",
                );
                println!("stdout\x1b[31m red\rline");
                answer("logged".into())
            }
            "mark" => {
                let mark = submission.description.clone().unwrap_or_default();
                let _ = store::set("mark", mark.as_bytes());
                answer("marked".into())
            }
            "hammer" => loop {
                black_box(store::get("hammer").ok());
            },
            "read-many" => {
                let mut read = 0;
                let error = loop {
                    match store::get(&format!("absent/{read}")) {
                        Ok(_) => read += 1,
                        Err(e) => break e,
                    }
                };
                answer(format!("read {read}; then {error:?}"))
            }
            "slow" => {
                let mut n = 0u64;
                for i in 0..300_000_000u64 {
                    n = black_box(n.wrapping_add(i));
                }
                answer(format!("slow done {}", n % 2))
            }
            "hog" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                while hoard.len() < 20 {
                    hoard.push(vec![7u8; 1 << 20]);
                }
                black_box(&hoard);
                spin()
            }
            "allocate" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![7u8; 1 << 20]);
                    black_box(&hoard);
                }
            }
            "recurse" => answer(recurse(0).to_string()),
            "recurse-in-memory" => answer(recurse_in_memory(0).to_string()),
            "panic" => panic!("the hostile service panics on purpose"),
            "flood-stdout" => {
                let line = "x".repeat(1023);
                for _ in 0..4096 {
                    println!("{line}");
                }
                answer("flooded 4 MiB".into())
            }
            "peek-case" => {
                let id = submission
                    .value("case-id")
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(1);
                match cases::get(id) {
                    Ok(case) => answer(format!("found case {}: {}", case.id, case.title)),
                    Err(HostError::NotFound) => answer("not-found".into()),
                    Err(other) => answer(format!("error: {other:?}")),
                }
            }
            "poke-case" => {
                let id = submission
                    .value("case-id")
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(1);
                let status = cases::update_status(id, CaseStatus::Rejected, Some("poked"));
                let note = cases::add_note(id, "poked by another service");
                answer(format!(
                    "status: {:?}; note: {:?}",
                    status.map(|c| c.id),
                    note
                ))
            }
            _ => answer("ok".into()),
        }
    }

    fn on_case_event(_event: CaseEvent) -> Result<(), String> {
        Ok(())
    }

    /// Ticks slowly (loops until stopped) while its store holds `slow-tick`.
    fn tick(_now: Timestamp) -> Result<(), String> {
        if matches!(store::get("slow-tick"), Ok(Some(_))) {
            spin()
        }
        Ok(())
    }
}

impl Forget for Hostile {
    /// Fails while its store holds `fail-forget` (a service whose erasure step is broken).
    fn forget(_subject: Subject) -> Result<(), String> {
        if matches!(store::get("fail-forget"), Ok(Some(_))) {
            return Err("forgetting is broken here".into());
        }
        Ok(())
    }
}

carmen_sdk::export!(Hostile);
