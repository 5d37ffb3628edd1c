import Foundation
import SwitchboardTesting

/// Config for a gateway with the fake model and the Telegram connector on the fake Bot API.
func telegramConfig(_ model: FakeModelServer, _ telegram: FakeTelegramServer, access: String = "dmPolicy: \"open\"", extra: String = "") -> String {
    modelConfig(model, extra: telegramChannels(telegram, access: access, extra: extra))
}

/// The `channels` block for the fake Bot API (with a fast outbox retry), for configs that add more.
func telegramChannels(_ telegram: FakeTelegramServer, access: String = "dmPolicy: \"open\"", extra: String = "") -> String {
    """
    channels: {
      telegram: { botToken: "\(FakeTelegramServer.token)", apiBaseUrl: "\(telegram.baseURL)", pollTimeoutSeconds: 1, \(access) },
      outbox: { retryBaseMs: 50, retryMaxMs: 1000 },
      \(extra)
    },
    """
}
