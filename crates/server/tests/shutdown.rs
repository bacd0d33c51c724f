//! SIGTERM stops the server gracefully: a request already in flight is finished and answered.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn sigterm_lets_in_flight_requests_finish() {
    let dir = std::env::temp_dir().join(format!("ecops-shutdown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        l.local_addr()
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecops"))
        .arg("serve")
        .current_dir(&dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/ecops.db", dir.display()),
        )
        .env("ECOPS_DATA_DIR", &dir)
        .env("ECOPS_BIND", format!("127.0.0.1:{port}"))
        .env("ECOPS_ADMIN_PASSWORD", "Lotus-Harbour-2026")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(_) if started.elapsed() < Duration::from_secs(20) => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(e) => panic!("server did not start: {e}"),
        }
    };
    let body = br#"{"username":"admin","password":"Lotus-Harbour-2026"}"#;
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    stream
        .write_all(&body[..10])
        .unwrap_or_else(|e| panic!("{e}"));
    std::thread::sleep(Duration::from_millis(300));
    // The request is half sent: now ask the server to stop.
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(status.is_ok_and(|s| s.success()));
    std::thread::sleep(Duration::from_millis(300));
    stream
        .write_all(&body[10..])
        .unwrap_or_else(|e| panic!("{e}"));
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the in-flight login must be answered: {answer}"
    );
    assert!(answer.contains("access_token"));
    let exit = child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert!(exit.success(), "graceful stop exits 0, got {exit:?}");
    // New connections are refused once it has stopped.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
