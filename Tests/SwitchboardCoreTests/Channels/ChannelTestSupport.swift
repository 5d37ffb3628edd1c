import Foundation
import SwitchboardTesting

/// Config for a gateway with the fake model and the Telegram connector on the fake Bot API.
func telegramConfig(_ model: FakeModelServer, _ telegram: FakeTelegramServer, access: String = "dmPolicy: \"open\"", extra: String = "") -> String {
    modelConfig(
        model,
        extra: """
            channels: {
              telegram: { botToken: "\(FakeTelegramServer.token)", apiBaseUrl: "\(telegram.baseURL)", pollTimeoutSeconds: 1, \(access) },
              outbox: { retryBaseMs: 50, retryMaxMs: 1000 },
              \(extra)
            },
            """
    )
}
