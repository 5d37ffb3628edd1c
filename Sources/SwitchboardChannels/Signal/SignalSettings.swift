/// How the Signal connector reaches signal-cli: its JSON-RPC daemon over TCP, which
/// Switchboard either starts and supervises (`cliPath`) or finds already running.
public struct SignalSettings: Sendable, Hashable {
    /// Signal does not limit text length like the others; long answers are still split so
    /// phones show them whole.
    public static let maxMessageLength = 4000

    /// The registered number (`+4915…`) signal-cli acts as.
    public var account: String
    /// `host:port` of the daemon's JSON-RPC socket (`signal-cli daemon --tcp`).
    public var daemonHost: String
    public var daemonPort: Int
    /// signal-cli's executable: when set, Switchboard runs `<cliPath> -a <account> daemon --tcp
    /// <host:port>` and restarts it with backoff; nil connects to a daemon run elsewhere.
    public var cliPath: String?
    public var retry: Backoff

    public init(account: String, daemonHost: String = "127.0.0.1", daemonPort: Int = 7583, cliPath: String? = nil, retry: Backoff = Backoff(baseMs: 1000, maxMs: 60_000)) {
        self.account = account
        self.daemonHost = daemonHost
        self.daemonPort = daemonPort
        self.cliPath = cliPath
        self.retry = retry
    }
}
