import Foundation
import Testing

@testable import SwitchboardAutomation

/// The heartbeat's settings and its answer contract.
struct HeartbeatSettingsTests {
    @Test("durations: ms, s, m, h, d; a bare number is minutes; 0 turns off; out of range and junk are refused with the reason")
    func durations() throws {
        #expect(try HeartbeatSettings.parseDuration("30m") == 1_800_000)
        #expect(try HeartbeatSettings.parseDuration("1h") == 3_600_000)
        #expect(try HeartbeatSettings.parseDuration("90s") == 90_000)
        #expect(try HeartbeatSettings.parseDuration("1500ms") == 1_500)
        #expect(try HeartbeatSettings.parseDuration("2d") == 172_800_000)
        #expect(try HeartbeatSettings.parseDuration("45") == 2_700_000)
        #expect(try HeartbeatSettings.parseDuration("0m") == 0)
        #expect(try HeartbeatSettings.parseDuration("1.5h") == 5_400_000)
        #expect(throws: HeartbeatSettings.DurationProblem.outOfRange("10ms")) { try HeartbeatSettings.parseDuration("10ms") }
        #expect(throws: HeartbeatSettings.DurationProblem.outOfRange("40d")) { try HeartbeatSettings.parseDuration("40d") }
        #expect(throws: HeartbeatSettings.DurationProblem.malformed("soon")) { try HeartbeatSettings.parseDuration("soon") }
        #expect(throws: HeartbeatSettings.DurationProblem.malformed("-5m")) { try HeartbeatSettings.parseDuration("-5m") }
        var settings = HeartbeatSettings()
        #expect(settings.everyMs == 1_800_000 && settings.effectivePrompt == HeartbeatSettings.defaultPrompt && settings.target == "none")
        settings.every = "0m"
        #expect(settings.everyMs == nil)
    }

    @Test("active hours: a day window, one that wraps past midnight, 24:00 as an end, equal ends mean all day, and the zone is honoured")
    func activeHours() throws {
        // 2026-12-03T07:30:00Z
        let morning: Int64 = 1_796_283_000_000
        let utc = "UTC"
        let day = ActiveHours(startMinute: 8 * 60, endMinute: 24 * 60, timezone: utc)
        #expect(!day.contains(nowMs: morning) && day.contains(nowMs: morning + 30 * 60_000))
        let night = ActiveHours(startMinute: 22 * 60, endMinute: 8 * 60, timezone: utc)
        #expect(night.contains(nowMs: morning) && !night.contains(nowMs: morning + 30 * 60_000))
        #expect(ActiveHours(startMinute: 0, endMinute: 0, timezone: utc).contains(nowMs: morning))
        // 07:30 UTC is 08:30 in Berlin (CET, UTC+1 in December).
        #expect(ActiveHours(startMinute: 8 * 60, endMinute: 9 * 60, timezone: "Europe/Berlin").contains(nowMs: morning))
        #expect(try ActiveHours.minutes("24:00", isEnd: true).get() == 1440)
        #expect(throws: ActiveHoursProblem.self) { try ActiveHours.minutes("24:00", isEnd: false).get() }
        #expect(throws: ActiveHoursProblem.self) { try ActiveHours.minutes("8:00", isEnd: false).get() }
        #expect(throws: ActiveHoursProblem.self) { try ActiveHours.minutes("12:60", isEnd: true).get() }
        #expect(ActiveHours.zone("Mars/Olympus") == nil && ActiveHours.zone("local") != nil)
    }

    @Test("answers: empty, an acknowledgement at either end (markup too), a long remainder is an alert, a token in the middle is plain text")
    func replies() {
        #expect(HeartbeatReply.classify("  \n", ackMaxChars: 300) == .empty)
        #expect(HeartbeatReply.classify("HEARTBEAT_OK", ackMaxChars: 300) == .acknowledged)
        #expect(HeartbeatReply.classify("**HEARTBEAT_OK**", ackMaxChars: 0) == .acknowledged)
        #expect(HeartbeatReply.classify("<b>HEARTBEAT_OK</b>", ackMaxChars: 0) == .acknowledged)
        #expect(HeartbeatReply.classify("All quiet. HEARTBEAT_OK.", ackMaxChars: 300) == .acknowledged)
        #expect(HeartbeatReply.classify("HEARTBEAT_OK all quiet", ackMaxChars: 5) == .alert("all quiet"))
        #expect(HeartbeatReply.classify("Say HEARTBEAT_OK when done, please", ackMaxChars: 300) == .alert("Say HEARTBEAT_OK when done, please"))
        #expect(HeartbeatReply.classify("The server is down!", ackMaxChars: 300) == .alert("The server is down!"))
    }

    @Test("HEARTBEAT.md with only headings, comments and empty items is empty; any task line is not")
    func heartbeatFile() {
        #expect(HeartbeatFile.isEffectivelyEmpty(""))
        #expect(HeartbeatFile.isEffectivelyEmpty("# Heartbeat\n\n<!-- add tasks below -->\n- [ ]\n##\n"))
        #expect(HeartbeatFile.isEffectivelyEmpty("<!--\nmulti-line\ncomment\n-->\n# Tasks\n"))
        #expect(!HeartbeatFile.isEffectivelyEmpty("# Tasks\n- check the mail\n"))
        #expect(!HeartbeatFile.isEffectivelyEmpty("<!-- note --> water the plants"))
    }
}
