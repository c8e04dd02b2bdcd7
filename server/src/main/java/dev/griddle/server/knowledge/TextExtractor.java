package dev.griddle.server.knowledge;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.ZeroByteFileException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.PagedText;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.AutoDetectParserConfig;
import org.apache.tika.parser.ParseContext;
import org.springframework.stereotype.Component;
import org.xml.sax.SAXException;

/**
 * Text and structure out of a document with Apache Tika: PDF (PDFBox), DOCX and PPTX (POI), HTML,
 * Markdown, plain text, CSV and e-mail, detected from the bytes and the file name. Bounded: Tika's
 * secure content handler refuses output that grows more than {@code max-compression-ratio} times
 * the input (zip bombs) or nests too deep; the text stops at {@code max-chars}; a PDF of more than
 * {@code max-pages} is refused. There is no OCR: a document with no text (a scanned PDF) is
 * {@link Unreadable} with that reason. Thread-safe; one parser serves every ingest thread.
 */
@Component
class TextExtractor {

    /** What a document holds: its detected media type, its blocks, its pages (0 when not paged). */
    record Extracted(String mediaType, List<Block> blocks, int pages) {
    }

    /** A document that cannot be ingested; the message is the document's {@code error}. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    private final KnowledgeProperties props;
    private final AutoDetectParser parser;

    TextExtractor(KnowledgeProperties props) {
        this.props = props;
        this.parser = new AutoDetectParser();
        // spool to disk: never; output threshold before the ratio is checked; ratio; XML depth; nested package depth
        parser.setAutoDetectParserConfig(new AutoDetectParserConfig(null, 1_000_000L, (long) props.maxCompressionRatio(), 100, 5));
    }

    Extracted extract(Path file, String fileName, String contentType) throws Unreadable {
        Metadata metadata = new Metadata();
        if (fileName != null) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
        }
        if (contentType != null && !contentType.startsWith("application/octet-stream")) {
            metadata.set(Metadata.CONTENT_TYPE, contentType);
        }
        StructureHandler handler = new StructureHandler(props.maxChars());
        try (TikaInputStream in = TikaInputStream.get(file, metadata)) {
            parser.parse(in, handler, metadata, new ParseContext());
        } catch (StructureHandler.TooMuchText e) {
            throw new Unreadable(e.getMessage());
        } catch (ZeroByteFileException e) {
            throw new Unreadable("the document is empty");
        } catch (EncryptedDocumentException e) {
            throw new Unreadable("the document is encrypted (password-protected); upload it without the password");
        } catch (TikaException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof StructureHandler.TooMuchText tooMuch) {
                    throw new Unreadable(tooMuch.getMessage()); // a parser wraps what the handler threw
                }
            }
            String message = String.valueOf(e.getMessage());
            if (message.toLowerCase(Locale.ROOT).contains("zip bomb")) {
                throw new Unreadable("refused as a zip bomb: its text grows more than " + props.maxCompressionRatio()
                        + " times its size, or nests too deep (griddle.knowledge.max-compression-ratio)");
            }
            throw new Unreadable("cannot read the document: " + message);
        } catch (SAXException | IOException e) {
            throw new Unreadable("cannot read the document: " + e.getMessage());
        }
        String mediaType = String.valueOf(metadata.get(Metadata.CONTENT_TYPE)).split(";")[0].strip();
        int pages = metadata.getInt(PagedText.N_PAGES) == null ? 0 : metadata.getInt(PagedText.N_PAGES);
        if (pages > props.maxPages()) {
            throw new Unreadable("the document has " + pages + " pages, more than " + props.maxPages() + " (griddle.knowledge.max-pages)");
        }
        List<Block> blocks = structure(handler.blocks(), mediaType, fileName, metadata);
        if (blocks.isEmpty()) {
            throw new Unreadable(pages > 0 ? "no text in the document's " + pages + " page(s): a scanned PDF needs OCR, which Griddle does not do"
                    : "no text could be extracted from the document (" + mediaType + "); OCR is not done");
        }
        return new Extracted(mediaType, blocks, pages);
    }

    private static List<Block> structure(List<Block> blocks, String mediaType, String fileName, Metadata metadata) {
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        boolean tsv = mediaType.equals("text/tab-separated-values") || name.endsWith(".tsv");
        if (tsv || mediaType.equals("text/csv") || name.endsWith(".csv")) {
            StringBuilder text = new StringBuilder();
            blocks.forEach(b -> text.append(b.text()).append('\n'));
            return CsvBlocks.of(text.toString(), tsv ? '\t' : ',');
        }
        if (mediaType.equals("text/plain") || mediaType.contains("markdown")) {
            StringBuilder text = new StringBuilder();
            blocks.forEach(b -> text.append(b.text()).append("\n\n"));
            boolean markdown = mediaType.contains("markdown") || name.endsWith(".md") || name.endsWith(".markdown");
            return PlainTextBlocks.of(text.toString(), markdown);
        }
        if (mediaType.equals("message/rfc822") && metadata.get(TikaCoreProperties.TITLE) != null) {
            List<Block> out = new ArrayList<>();
            out.add(Block.heading(1, metadata.get(TikaCoreProperties.TITLE).replace('\n', ' ').strip()));
            out.addAll(blocks);
            return out;
        }
        return blocks;
    }
}
