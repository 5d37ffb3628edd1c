import Testing

@testable import SwitchboardChannels

@Suite("Telegram HTML rendering")
struct TelegramHTMLTests {
    @Test("markup characters are escaped; only generated tags remain")
    func escaping() {
        #expect(TelegramHTML.render("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d")
        #expect(TelegramHTML.render("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;")
    }

    @Test("bold, italic, strike, inline code and fenced code")
    func emphasis() {
        #expect(TelegramHTML.render("**bold** and *it* and ~~gone~~") == "<b>bold</b> and <i>it</i> and <s>gone</s>")
        #expect(TelegramHTML.render("use `a<b>` here") == "use <code>a&lt;b&gt;</code> here")
        #expect(TelegramHTML.render("```swift\nlet a = 1 < 2\n```") == "<pre><code class=\"language-swift\">let a = 1 &lt; 2</code></pre>")
    }

    @Test("snake_case and lone asterisks are left alone")
    func noFalseEmphasis() {
        #expect(TelegramHTML.render("call snake_case_name now") == "call snake_case_name now")
        #expect(TelegramHTML.render("2 * 3 * 4") == "2 * 3 * 4")
    }

    @Test("links keep safe schemes only, with quotes escaped")
    func links() {
        #expect(TelegramHTML.render("[docs](https://example.com/a?b=1&c=2)") == "<a href=\"https://example.com/a?b=1&amp;c=2\">docs</a>")
        #expect(TelegramHTML.render("[x](javascript:alert(1))").contains("<a") == false)
        #expect(TelegramHTML.render("[q](https://e.com/\"onmouseover=1)").contains("&quot;"))
    }
}
