//! Delivering reminders through the school's mail server (site.yaml's
//! `smtp:`), with lettre. Encryption is required (TLS from the start on
//! port 465, STARTTLS on any other) except to a server on this computer,
//! where nothing leaves it. Each message is sent on its own: one refused
//! recipient is reported and the rest still go.

use std::net::IpAddr;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

use crate::config::SmtpConfig;

/// The port on which a server speaks TLS from the first byte.
const IMPLICIT_TLS_PORT: u16 = 465;

/// How long to wait for the server at each step before giving up.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A connection to the school's mail server.
pub struct Server {
    transport: SmtpTransport,
    /// How the messages travel, for the office to read: e.g.
    /// `smtp.example.org:587 with STARTTLS`.
    pub description: String,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

/// Why the server cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerError {
    /// site.yaml names an account but no password was given.
    NoPassword,
    /// The TLS settings could not be made for this host.
    Tls(String),
}

/// True for a server on this computer: `localhost` or a loopback address.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Server {
    /// The server `smtp` names, signing in with `password` when it names
    /// an account.
    pub fn new(smtp: &SmtpConfig, password: Option<&str>) -> Result<Server, ServerError> {
        let host = smtp.host.trim();
        let tls_for = |host: &str| {
            TlsParameters::new(host.to_string()).map_err(|err| ServerError::Tls(err.to_string()))
        };
        let (tls, how) = if smtp.port == IMPLICIT_TLS_PORT {
            (Tls::Wrapper(tls_for(host)?), "TLS")
        } else if is_loopback(host) {
            (
                Tls::Opportunistic(tls_for(host)?),
                "STARTTLS if offered (this computer)",
            )
        } else {
            (Tls::Required(tls_for(host)?), "STARTTLS")
        };
        let mut builder = SmtpTransport::builder_dangerous(host)
            .port(smtp.port)
            .tls(tls)
            .timeout(Some(TIMEOUT));
        if let Some(user) = &smtp.username {
            let password = password.ok_or(ServerError::NoPassword)?;
            builder = builder.credentials(Credentials::new(
                user.trim().to_string(),
                password.to_string(),
            ));
        }
        Ok(Server {
            transport: builder.build(),
            description: format!("{host}:{} with {how}", smtp.port),
        })
    }

    /// Sends one message; the error as the server or the connection gave
    /// it.
    pub fn send(&self, message: &Message) -> Result<(), String> {
        self.transport.send(message).map(|_| ()).map_err(|err| {
            let mut text = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            text
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp(host: &str, port: u16, username: Option<&str>) -> SmtpConfig {
        SmtpConfig {
            host: host.to_string(),
            port,
            from: "office@example.org".to_string(),
            username: username.map(str::to_string),
        }
    }

    #[test]
    fn only_this_computer_counts_as_loopback() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.8.9.1",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "smtp.example.org",
            "10.0.0.1",
            "localhost.example.org",
            "0.0.0.0",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn encryption_is_required_except_on_this_computer() {
        let away = Server::new(&smtp("smtp.example.org", 587, None), None).unwrap();
        assert_eq!(away.description, "smtp.example.org:587 with STARTTLS");
        let tls = Server::new(&smtp("smtp.example.org", 465, None), None).unwrap();
        assert_eq!(tls.description, "smtp.example.org:465 with TLS");
        let here = Server::new(&smtp("127.0.0.1", 2525, None), None).unwrap();
        assert!(
            here.description.contains("this computer"),
            "{}",
            here.description
        );
    }

    #[test]
    fn an_account_needs_a_password() {
        let config = smtp("smtp.example.org", 587, Some("office"));
        assert_eq!(
            Server::new(&config, None).unwrap_err(),
            ServerError::NoPassword
        );
        assert!(Server::new(&config, Some("secret")).is_ok());
    }
}
