// A Markdown document shown in a preview, with GitHub's tables, task lists and strikethrough
// (remark-gfm). Loaded only when a Markdown file is opened.
import ReactMarkdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { useT } from '../i18n/use-t.ts';
import { wordingStrings } from '../wording/strings.ts';

export default function Markdown({ text }: { text: string }) {
  const t = useT(wordingStrings);
  return (
    <ReactMarkdown
      skipHtml
      remarkPlugins={[remarkGfm]}
      components={{
        // Nothing is fetched for a document: an image shows its alt text, and a link opens in
        // a new tab without telling the site where it came from.
        img: ({ alt }) => <span className="muted">[{alt || t.imageFallback}]</span>,
        a: ({ href, children }) => (
          <a href={href} target="_blank" rel="noopener noreferrer">
            {children}
          </a>
        ),
      }}
    >
      {text}
    </ReactMarkdown>
  );
}
