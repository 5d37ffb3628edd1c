import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The questions `switchboard onboard` asks on a terminal: a line with a default, a choice from
/// a numbered list, yes/no, and a secret typed without echo.
struct OnboardPrompts {
    /// Whether standard input is a terminal (a secret is then read without echo).
    var isTerminal = isatty(STDIN_FILENO) == 1

    func ask(_ question: String, default value: String? = nil) -> String? {
        print(question + (value.map { " [\($0)]" } ?? "") + ": ", terminator: "")
        fflush(nil)
        guard let line = readLine()?.trimmingCharacters(in: .whitespaces) else { return nil }
        return line.isEmpty ? value : line
    }

    /// 1-based choice; the default is the first option.
    func choose(_ question: String, _ options: [String]) -> Int? {
        print(question)
        for (index, option) in options.enumerated() { print("  \(index + 1)) \(option)") }
        while true {
            guard let answer = ask("Choose 1-\(options.count)", default: "1") else { return nil }
            if let number = Int(answer), (1...options.count).contains(number) { return number - 1 }
            print("Please type a number from 1 to \(options.count).")
        }
    }

    func confirm(_ question: String, default yes: Bool) -> Bool {
        guard let answer = ask(question + (yes ? " [Y/n]" : " [y/N]"))?.lowercased(), !answer.isEmpty else { return yes }
        return answer.hasPrefix("y")
    }

    /// A line typed without echo on a terminal (a pipe is read as is).
    func secret(_ question: String) -> String? {
        print(question + ": ", terminator: "")
        fflush(nil)
        var saved = termios()
        let hide = isTerminal && tcgetattr(STDIN_FILENO, &saved) == 0
        if hide {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        }
        defer {
            if hide {
                tcsetattr(STDIN_FILENO, TCSANOW, &saved)
                print("")
            }
        }
        return readLine()?.trimmingCharacters(in: .whitespaces)
    }
}
