/** The demo store's catalogue: two levels of categories, about 60 products with variants. */

export interface DemoProduct {
  name: string;
  blurb: string;
  price: number;
  /** Variant names; each gets its own SKU and stock. */
  variants: string[];
  /** Extra cents per variant step (e.g. larger sizes cost more). */
  step?: number;
  compareAt?: number;
}

export interface DemoCategory {
  slug: string;
  name: string;
  children: { slug: string; name: string; products: DemoProduct[] }[];
}

const sizes = ['S', 'M', 'L', 'XL'];
const colors = (...c: string[]) => c;

export const DEMO_CATALOG: DemoCategory[] = [
  {
    slug: 'apparel',
    name: 'Apparel',
    children: [
      {
        slug: 't-shirts',
        name: 'T-Shirts',
        products: [
          {
            name: 'Everyday Organic Cotton Tee',
            blurb: 'A soft, mid-weight crew neck cut from GOTS-certified organic cotton.',
            price: 2400,
            variants: sizes,
          },
          {
            name: 'Heavyweight Pocket Tee',
            blurb: 'Boxy fit, 240 gsm jersey and a chest pocket that keeps its shape.',
            price: 3200,
            variants: sizes,
          },
          {
            name: 'Merino Travel Tee',
            blurb: 'Fine merino wool that stays fresh for days and packs down to nothing.',
            price: 6500,
            variants: sizes,
            compareAt: 7900,
          },
          {
            name: 'Striped Breton Top',
            blurb: 'The classic navy-and-ecru stripe in a sturdy long-sleeve knit.',
            price: 4800,
            variants: sizes,
          },
          {
            name: 'Linen Blend Henley',
            blurb: 'A breezy three-button henley for warm evenings.',
            price: 4200,
            variants: sizes,
          },
          {
            name: 'Performance Running Tee',
            blurb: 'Light, quick-drying mesh with flatlock seams that never chafe.',
            price: 3500,
            variants: sizes,
          },
          {
            name: 'Vintage Wash Graphic Tee',
            blurb: 'Garment-dyed for a lived-in feel, printed with water-based inks.',
            price: 2800,
            variants: sizes,
          },
          {
            name: 'Long Sleeve Waffle Tee',
            blurb: 'Textured waffle knit that layers well under a jacket.',
            price: 3900,
            variants: sizes,
          },
        ],
      },
      {
        slug: 'outerwear',
        name: 'Outerwear',
        products: [
          {
            name: 'Waxed Canvas Field Jacket',
            blurb: 'Water-resistant waxed cotton, corduroy collar and four bellows pockets.',
            price: 18900,
            variants: sizes,
            step: 500,
          },
          {
            name: 'Packable Down Vest',
            blurb: '650-fill responsibly sourced down in a vest that stuffs into its own pocket.',
            price: 11900,
            variants: sizes,
          },
          {
            name: 'Recycled Fleece Zip Hoodie',
            blurb: 'Warm, pill-resistant fleece made from recycled bottles.',
            price: 7900,
            variants: sizes,
          },
          {
            name: 'Three-Layer Rain Shell',
            blurb: 'Fully taped seams and pit zips for wet, windy days.',
            price: 22900,
            variants: sizes,
            compareAt: 25900,
          },
          {
            name: 'Quilted Liner Jacket',
            blurb: 'A light quilted layer on its own or zipped inside a shell.',
            price: 9900,
            variants: sizes,
          },
          {
            name: 'Wool Chore Coat',
            blurb: 'A boiled-wool workwear classic with patch pockets.',
            price: 16500,
            variants: sizes,
          },
          {
            name: 'Softshell Trail Jacket',
            blurb: 'Stretchy, breathable and windproof for fast hikes.',
            price: 12900,
            variants: sizes,
          },
        ],
      },
    ],
  },
  {
    slug: 'home',
    name: 'Home & Kitchen',
    children: [
      {
        slug: 'kitchen',
        name: 'Kitchen',
        products: [
          {
            name: 'Stoneware Coffee Mug',
            blurb: 'A hand-glazed 350 ml mug that keeps coffee hot and sits well in the hand.',
            price: 1800,
            variants: colors('Speckled White', 'Slate Blue', 'Terracotta'),
          },
          {
            name: 'Cast Iron Skillet 10"',
            blurb: 'Pre-seasoned cast iron for searing, baking and a lifetime of use.',
            price: 4500,
            variants: ['10 inch'],
          },
          {
            name: 'Carbon Steel Chef Knife',
            blurb: 'A 21 cm blade that takes a keen edge and a patina over time.',
            price: 8900,
            variants: ['21 cm'],
          },
          {
            name: 'End Grain Cutting Board',
            blurb: 'Walnut end grain that is kind to knife edges.',
            price: 7400,
            variants: ['Medium', 'Large'],
            step: 2500,
          },
          {
            name: 'Pour-Over Coffee Set',
            blurb: 'Ceramic dripper, glass carafe and a pack of filters.',
            price: 5200,
            variants: ['Set'],
          },
          {
            name: 'Enamel Dutch Oven',
            blurb: 'Even heat for stews, braises and crusty bread.',
            price: 13900,
            variants: colors('Cream', 'Forest', 'Cherry'),
            compareAt: 15900,
          },
          {
            name: 'Linen Tea Towels (Set of 3)',
            blurb: 'Absorbent, quick-drying stonewashed linen.',
            price: 2900,
            variants: colors('Natural', 'Charcoal'),
          },
          {
            name: 'Glass Storage Jars',
            blurb: 'Airtight borosilicate jars with bamboo lids.',
            price: 3400,
            variants: ['Set of 3', 'Set of 6'],
            step: 2600,
          },
        ],
      },
      {
        slug: 'decor',
        name: 'Decor',
        products: [
          {
            name: 'Hand-Thrown Ceramic Vase',
            blurb: 'Each one slightly different, glazed in small batches.',
            price: 4600,
            variants: colors('Matte Black', 'Sand'),
          },
          {
            name: 'Wool Throw Blanket',
            blurb: 'A heavy herringbone throw woven from lambswool.',
            price: 11900,
            variants: colors('Oatmeal', 'Moss', 'Rust'),
          },
          {
            name: 'Beeswax Pillar Candle',
            blurb: 'Pure beeswax that burns clean for up to 60 hours.',
            price: 2200,
            variants: ['Small', 'Large'],
            step: 1200,
          },
          {
            name: 'Linen Cushion Cover',
            blurb: 'Washed linen with a hidden zip, 50 x 50 cm.',
            price: 3200,
            variants: colors('White', 'Clay', 'Olive'),
          },
          {
            name: 'Brass Table Lamp',
            blurb: 'Solid brass base with a pleated linen shade.',
            price: 16900,
            variants: ['One size'],
          },
          {
            name: 'Jute Area Rug',
            blurb: 'Hand-braided jute with a natural, earthy texture.',
            price: 18900,
            variants: ['120 x 180 cm', '160 x 230 cm'],
            step: 8000,
          },
          {
            name: 'Framed Botanical Print',
            blurb: 'Archival giclee print in a solid oak frame.',
            price: 6900,
            variants: ['A3', 'A2'],
            step: 3000,
          },
        ],
      },
    ],
  },
  {
    slug: 'outdoors',
    name: 'Outdoors',
    children: [
      {
        slug: 'camping',
        name: 'Camping',
        products: [
          {
            name: 'Ultralight Two-Person Tent',
            blurb: 'A freestanding 1.4 kg tent that pitches in three minutes.',
            price: 34900,
            variants: colors('Olive', 'Orange'),
            compareAt: 39900,
          },
          {
            name: 'Down Sleeping Bag -5°C',
            blurb: 'Lofty down in a mummy cut, rated for shoulder seasons.',
            price: 27900,
            variants: ['Regular', 'Long'],
            step: 2000,
          },
          {
            name: 'Insulated Sleeping Pad',
            blurb: 'R-value 4.2, packs to the size of a water bottle.',
            price: 14900,
            variants: ['Regular', 'Wide'],
            step: 1500,
          },
          {
            name: 'Titanium Camp Mug',
            blurb: '450 ml, weighs 60 g, goes straight on the stove.',
            price: 3400,
            variants: ['450 ml'],
          },
          {
            name: 'Compact Backpacking Stove',
            blurb: 'Boils a litre in three and a half minutes.',
            price: 5900,
            variants: ['One size'],
          },
          {
            name: 'LED Camp Lantern',
            blurb: 'Rechargeable lantern with warm light and a power-bank mode.',
            price: 4900,
            variants: ['One size'],
          },
          {
            name: 'Waterproof Dry Bag',
            blurb: 'Roll-top dry bag that keeps gear dry on the water.',
            price: 2400,
            variants: ['10 L', '20 L', '35 L'],
            step: 600,
          },
          {
            name: 'Folding Camp Chair',
            blurb: 'Packs small, sets up in seconds, holds 140 kg.',
            price: 8900,
            variants: colors('Black', 'Sage'),
          },
        ],
      },
      {
        slug: 'cycling',
        name: 'Cycling',
        products: [
          {
            name: 'Merino Cycling Jersey',
            blurb: 'Temperature-regulating merino with three rear pockets.',
            price: 11500,
            variants: sizes,
          },
          {
            name: 'Padded Bib Shorts',
            blurb: 'Italian chamois for long days in the saddle.',
            price: 13900,
            variants: sizes,
          },
          {
            name: 'Frame Bag',
            blurb: 'Waterproof frame bag for tools, snacks and a phone.',
            price: 6400,
            variants: ['Small', 'Medium'],
            step: 800,
          },
          {
            name: 'USB-C Bike Light Set',
            blurb: '800-lumen front and 100-lumen rear, charges by USB-C.',
            price: 7900,
            variants: ['Set'],
          },
          {
            name: 'Mini Pump with Gauge',
            blurb: 'Presta and Schrader, up to 120 psi.',
            price: 3900,
            variants: ['One size'],
          },
          {
            name: 'Cycling Cap',
            blurb: 'Cotton cap with a short brim that fits under a helmet.',
            price: 2600,
            variants: colors('Navy', 'Red', 'Grey'),
          },
          {
            name: 'Insulated Water Bottle',
            blurb: 'Keeps water cold for hours; fits every cage.',
            price: 2900,
            variants: ['600 ml', '750 ml'],
            step: 300,
          },
        ],
      },
    ],
  },
  {
    slug: 'audio',
    name: 'Audio',
    children: [
      {
        slug: 'headphones',
        name: 'Headphones',
        products: [
          {
            name: 'Wireless Noise-Cancelling Headphones',
            blurb: '30-hour battery, adaptive noise cancelling and multipoint pairing.',
            price: 29900,
            variants: colors('Black', 'Silver'),
            compareAt: 34900,
          },
          {
            name: 'Studio Monitor Headphones',
            blurb: 'Flat, honest sound for mixing, with a detachable cable.',
            price: 15900,
            variants: ['One size'],
          },
          {
            name: 'True Wireless Earbuds',
            blurb: 'Sweat-resistant earbuds with a pocketable charging case.',
            price: 12900,
            variants: colors('Black', 'White'),
          },
          {
            name: 'Open-Back Listening Headphones',
            blurb: 'Wide, airy soundstage for long listening sessions.',
            price: 24900,
            variants: ['One size'],
          },
          {
            name: 'Kids Volume-Limited Headphones',
            blurb: 'Limited to 85 dB, bendable and hard to break.',
            price: 3900,
            variants: colors('Blue', 'Pink', 'Green'),
          },
          {
            name: 'Sport Neckband Earphones',
            blurb: 'Secure fit and 14 hours of playback.',
            price: 5900,
            variants: ['One size'],
          },
        ],
      },
      {
        slug: 'speakers',
        name: 'Speakers',
        products: [
          {
            name: 'Portable Bluetooth Speaker',
            blurb: 'Waterproof speaker with 20 hours of room-filling sound.',
            price: 9900,
            variants: colors('Charcoal', 'Teal', 'Coral'),
          },
          {
            name: 'Bookshelf Speakers (Pair)',
            blurb: 'Powered speakers with Bluetooth, optical and phono inputs.',
            price: 34900,
            variants: colors('Walnut', 'Black'),
          },
          {
            name: 'Smart Home Speaker',
            blurb: 'Rich sound for any room, with voice control and multi-room.',
            price: 19900,
            variants: colors('Chalk', 'Shadow'),
          },
          {
            name: 'Soundbar with Subwoofer',
            blurb: 'Clearer dialogue and deep bass for the living room.',
            price: 44900,
            variants: ['One size'],
            compareAt: 49900,
          },
          {
            name: 'Retro FM Radio',
            blurb: 'A wooden tabletop radio with a big, warm speaker.',
            price: 8900,
            variants: colors('Walnut', 'Mint'),
          },
          {
            name: 'Turntable with Built-In Preamp',
            blurb: 'Belt-drive turntable, ready for any speaker.',
            price: 27900,
            variants: ['One size'],
          },
        ],
      },
    ],
  },
];

export const DESCRIPTION_TAILS = [
  'Designed to be used every day and repaired rather than replaced.',
  'Backed by a two-year warranty and free returns within 30 days.',
  'Made in small runs by a workshop we have worked with for years.',
  'Ships in plastic-free packaging.',
];
