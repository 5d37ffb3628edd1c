import Foundation
@testable import SwitchboardCore
import SwitchboardTesting
import Testing

/// JSON5 errors name the line and column (Foundation's decoder says only "not valid JSON").
@Suite struct JSON5LocatorTests {
    @Test("each mistake is placed at its line and column with what was expected")
    func mistakesPlaced() {
        let cases: [(String, String)] = [
            ("{\n gateway: {\n  port: 1,,\n }\n}\n", "line 3, column 11: expected a key or \"}\", found \",\""),
            ("{\n a: 1\n b: 2\n}", "line 3, column 2: expected \",\" or \"}\", found \"b\""),
            ("{ a: hello }", "line 1, column 6: expected a value (a string needs quotes), found \"h\""),
            ("{ a: [1, 2 }", "line 1, column 12: expected \",\" or \"]\", found \"}\""),
            ("{ a: 'x\n}", "line 1, column 8: unterminated string (a line break inside quotes needs \\), found a line break"),
            ("{ a: 1 } x", "line 1, column 10: unexpected text after the end of the document, found \"x\""),
            ("{ a /* open", "line 1, column 5: unterminated /* comment"),
            ("{ a 1 }", "line 1, column 5: expected \":\" after the key, found \"1\""),
        ]
        for (text, expected) in cases {
            #expect(JSON5Locator.locate(text)?.description == expected, "\(text)")
        }
    }

    @Test("JSON5's own features are not mistaken for errors")
    func validJSON5() {
        let valid = """
            // comment
            {
              unquoted: 'single', "double": "a\\"b", multi: 'one \\
            two',
              hex: 0xFF, lead: .5, trail: 5., plus: +1, inf: -Infinity, nan: NaN, exp: 1e-3,
              list: [1, 2, 3,], /* block */ nested: { deep: [ { x: null, y: true, z: false }, ], },
            }
            """
        #expect(JSON5Locator.locate(valid) == nil)
    }

    @Test("config check names the line and column of a broken file")
    func configCheckShowsThePlace() async throws {
        try await withStateDir { stateDir in
            try Data("{\n  gateway: {\n    port: 1,,\n  }\n}\n".utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
            let checked = try await runCLI(["config", "check"], stateDir: stateDir)
            #expect(checked.code == 78 && checked.output.contains("not valid JSON5 at line 3, column 13"), "\(checked.output)")
        }
    }
}
