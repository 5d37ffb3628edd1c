import Foundation

/// The service definitions `switchboard gateway install` writes: a systemd user unit on
/// Linux, a launchd agent on macOS. Secrets never go into them: systemd reads an
/// `EnvironmentFile`, launchd passes `--env-file` to the gateway.
public struct ServiceUnit: Sendable {
    public var executable: String
    public var stateDir: String
    public var configPath: String
    /// The run flags given to `install` (`--port`, `--bind`, …; never secrets), kept in the service.
    public var runArguments: [String]

    public init(executable: String, stateDir: String, configPath: String, runArguments: [String] = []) {
        self.executable = executable
        self.stateDir = stateDir
        self.configPath = configPath
        self.runArguments = runArguments
    }

    public static let systemdUnitName = "switchboard.service"
    public static let launchdLabel = "ai.switchboard.gateway"

    /// `KEY=VALUE` secrets (gateway token, provider keys), mode 0600, outside the unit.
    public var environmentFile: String { (stateDir as NSString).appendingPathComponent("gateway.env") }

    /// `Type=notify`: systemd waits for `READY=1`. Exit 78 (bad config, state dir or port
    /// taken) is final, so a broken setup never becomes a restart loop.
    public var systemd: String {
        """
        [Unit]
        Description=Switchboard gateway (chat apps <-> AI agent)
        After=network-online.target
        Wants=network-online.target

        [Service]
        Type=notify
        NotifyAccess=main
        ExecStart=\(Self.systemdQuoted([executable, "gateway", "run", "--state-dir", stateDir, "--config", configPath] + runArguments))
        ExecReload=/bin/kill -USR1 $MAINPID
        EnvironmentFile=-\(environmentFile)
        Restart=on-failure
        RestartSec=2
        RestartPreventExitStatus=78
        TimeoutStartSec=60
        TimeoutStopSec=30
        KillMode=mixed
        UMask=0077

        [Install]
        WantedBy=default.target

        """
    }

    /// A user agent that is restarted after a crash but not after a clean exit or exit 78.
    public var launchd: String {
        let arguments = [executable, "gateway", "run", "--state-dir", stateDir, "--config", configPath, "--env-file", environmentFile] + runArguments
        let logs = (stateDir as NSString).appendingPathComponent("logs/gateway.out")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <dict>
              <key>Label</key>
              <string>\(Self.launchdLabel)</string>
              <key>ProgramArguments</key>
              <array>
            \(arguments.map { "    <string>\(Self.xmlEscaped($0))</string>" }.joined(separator: "\n"))
              </array>
              <key>RunAtLoad</key>
              <true/>
              <key>KeepAlive</key>
              <dict>
                <key>SuccessfulExit</key>
                <false/>
              </dict>
              <key>ThrottleInterval</key>
              <integer>10</integer>
              <key>ExitTimeOut</key>
              <integer>30</integer>
              <key>StandardOutPath</key>
              <string>\(Self.xmlEscaped(logs))</string>
              <key>StandardErrorPath</key>
              <string>\(Self.xmlEscaped(logs))</string>
            </dict>
            </plist>

            """
    }

    /// The env file written on install when none exists: names the variables, holds no values.
    public static let environmentTemplate = """
        # Secrets for the Switchboard gateway service (mode 0600; never put them in the unit).
        # SWITCHBOARD_GATEWAY_TOKEN=
        # OPENAI_API_KEY=
        # ANTHROPIC_API_KEY=
        # TELEGRAM_BOT_TOKEN=

        """

    static func systemdQuoted(_ words: [String]) -> String {
        words.map { word in
            guard word.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" || $0 == "$" || $0 == "%" }) else { return word }
            let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "$", with: "$$").replacingOccurrences(of: "%", with: "%%")
            return "\"\(escaped)\""
        }.joined(separator: " ")
    }

    static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
