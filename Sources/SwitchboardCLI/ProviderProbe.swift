import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardAgent
import SwitchboardProtocol

/// Asks a model provider for its model list (`GET …/models`, with the key as that API expects
/// it): whether it is reachable, whether it takes the key, and which models it offers. Used by
/// `doctor` and `onboard`; also finds local servers (Ollama, LM Studio, llama.cpp, vLLM).
enum ProviderProbe {
    enum Outcome: Sendable, Equatable {
        /// It answered; the model ids it listed (may be empty).
        case answered(status: Int, models: [String])
        /// 401/403: the key was refused.
        case refused(status: Int)
        /// No answer (connection refused, timeout, TLS, DNS…).
        case unreachable(String)
    }

    static func check(_ provider: ProviderSettings, timeout: Duration) async -> Outcome {
        var request = HTTPClientRequest(url: provider.baseURL + (provider.api == .anthropic ? "/v1/models" : "/models"))
        for (name, value) in provider.headers { request.headers.add(name: name, value: value) }
        if let key = provider.apiKey {
            if provider.api == .anthropic {
                request.headers.add(name: "x-api-key", value: key)
                request.headers.add(name: "anthropic-version", value: "2023-06-01")
            } else {
                request.headers.add(name: "Authorization", value: "Bearer \(key)")
            }
        }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(timeout / .milliseconds(1) > 0 ? Int64(timeout / .milliseconds(1)) : 1))
            let status = Int(response.status.code)
            if status == 401 || status == 403 { return .refused(status: status) }
            let body = (try? await response.body.collect(upTo: 4 * 1024 * 1024)) ?? ByteBuffer()
            return .answered(status: status, models: modelIds(in: body))
        } catch {
            return .unreachable(String(describing: type(of: error)))
        }
    }

    /// `{"data":[{"id":…}]}` (OpenAI, Anthropic) or Ollama's `{"models":[{"name":…}]}`.
    static func modelIds(in body: ByteBuffer) -> [String] {
        guard let json = try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(body.readableBytesView)) else { return [] }
        if case .array(let items)? = json["data"] { return items.compactMap { $0["id"]?.stringValue } }
        if case .array(let items)? = json["models"] { return items.compactMap { $0["name"]?.stringValue ?? $0["model"]?.stringValue } }
        return []
    }

    /// A model server found on this machine.
    struct LocalServer: Sendable, Equatable {
        var name: String
        /// The OpenAI-compatible base URL (`…/v1`).
        var baseURL: String
        var models: [String]
    }

    /// Where local servers usually listen: Ollama, LM Studio, llama.cpp's server, vLLM.
    static let usualLocalServers: [(name: String, baseURL: String)] = [
        ("Ollama", "http://127.0.0.1:11434/v1"), ("LM Studio", "http://127.0.0.1:1234/v1"), ("llama.cpp", "http://127.0.0.1:8080/v1"),
        ("vLLM", "http://127.0.0.1:8000/v1"),
    ]

    /// Asks every candidate at once; those that answer with a model list, in the given order.
    static func detect(_ candidates: [(name: String, baseURL: String)], timeout: Duration) async -> [LocalServer] {
        await withTaskGroup(of: (Int, LocalServer?).self) { group in
            for (index, candidate) in candidates.enumerated() {
                group.addTask {
                    let provider = ProviderSettings(id: "local", api: .openai, baseURL: candidate.baseURL)
                    guard case .answered(let status, let models) = await check(provider, timeout: timeout), (200..<300).contains(status) else {
                        return (index, nil)
                    }
                    return (index, LocalServer(name: candidate.name, baseURL: candidate.baseURL, models: models))
                }
            }
            var found: [(Int, LocalServer)] = []
            for await (index, server) in group { if let server { found.append((index, server)) } }
            return found.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
