/**
 * The scanner's own lists of common given names and surnames, across the regions the demo tenants
 * work in (Anglophone, European, Latin American, African, Middle Eastern, South and East Asian).
 * Deliberately broader than, and written apart from, the example origin's corpus list: the corpus
 * test proves the scanner catches the corpus's people, the unit test proves it catches others.
 * Given names that are also common capitalised English words (Will, May, Mark, Hope…) are left out:
 * they would turn every sentence that starts with one into a finding.
 */
export const DEFAULT_GIVEN_NAMES: readonly string[] = [
  // Anglophone
  'James', 'John', 'Robert', 'Michael', 'William', 'David', 'Richard', 'Joseph', 'Thomas', 'Charles',
  'Christopher', 'Daniel', 'Matthew', 'Anthony', 'Steven', 'Paul', 'Andrew', 'Joshua', 'Kevin', 'Brian',
  'George', 'Edward', 'Ronald', 'Timothy', 'Jason', 'Jeffrey', 'Ryan', 'Jacob', 'Gary', 'Nicholas',
  'Eric', 'Jonathan', 'Stephen', 'Larry', 'Justin', 'Scott', 'Brandon', 'Benjamin', 'Samuel', 'Gregory',
  'Liam', 'Noah', 'Oliver', 'Ethan', 'Harry', 'Oscar', 'Jack', 'Charlie', 'Alexander', 'Henry',
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen',
  'Nancy', 'Lisa', 'Betty', 'Margaret', 'Sandra', 'Ashley', 'Kimberly', 'Emily', 'Donna', 'Michelle',
  'Dorothy', 'Carol', 'Amanda', 'Melissa', 'Deborah', 'Stephanie', 'Rebecca', 'Sharon', 'Laura', 'Cynthia',
  'Emma', 'Olivia', 'Ava', 'Isabella', 'Sophia', 'Charlotte', 'Amelia', 'Harper', 'Evelyn', 'Abigail',
  'Grace', 'Chloe', 'Lucy', 'Hannah', 'Megan', 'Rachel', 'Victoria', 'Natalie', 'Claire', 'Fiona',
  // European
  'Anna', 'Maria', 'Elena', 'Sofia', 'Giulia', 'Francesca', 'Chiara', 'Marco', 'Luca', 'Giovanni',
  'Alessandro', 'Matteo', 'Lorenzo', 'Pierre', 'Jean', 'Louis', 'Lucas', 'Hugo', 'Camille', 'Manon',
  'Juliette', 'Amélie', 'Léa', 'Élodie', 'Hans', 'Klaus', 'Jürgen', 'Stefan', 'Lukas', 'Felix',
  'Jonas', 'Leon', 'Emil', 'Lena', 'Hanna', 'Katharina', 'Ingrid', 'Astrid', 'Sven', 'Lars',
  'Erik', 'Nils', 'Freya', 'Sigrid', 'Olga', 'Irina', 'Natalia', 'Tatiana', 'Svetlana', 'Dmitri',
  'Ivan', 'Sergei', 'Nikolai', 'Alexei', 'Piotr', 'Tomasz', 'Katarzyna', 'Agnieszka', 'Magdalena', 'Jan',
  'Pablo', 'Javier', 'Alejandro', 'Diego', 'Carmen', 'Lucía', 'Isabel', 'Pilar', 'João', 'Tiago',
  'Inês', 'Beatriz', 'Andrei', 'Mihai', 'Ioana', 'Dimitris', 'Eleni', 'Nikos', 'Sean', 'Siobhan',
  // Latin American
  'Carlos', 'Mateo', 'Santiago', 'Sebastián', 'Valentina', 'Camila', 'Ximena', 'Luis', 'Jorge', 'Miguel',
  'Gabriela', 'Fernanda', 'Rafael', 'Thiago', 'Bruno', 'Larissa',
  // African
  'Kwame', 'Kofi', 'Ama', 'Abena', 'Chidi', 'Chinedu', 'Ngozi', 'Oluwaseun', 'Tunde', 'Amara',
  'Thabo', 'Sipho', 'Nomvula', 'Wanjiru', 'Kamau', 'Achieng', 'Tendai', 'Abebe', 'Mulugeta', 'Fatou',
  // Middle Eastern and North African
  'Ahmed', 'Mohammed', 'Muhammad', 'Ali', 'Omar', 'Yusuf', 'Hassan', 'Hussein', 'Khalid', 'Tariq',
  'Fatima', 'Aisha', 'Layla', 'Mariam', 'Noor', 'Yasmin', 'Leila', 'Zainab', 'Amir', 'Reza',
  'Dariush', 'Shirin', 'Avi', 'Yael', 'Noa', 'Tamar', 'Eitan', 'Mehmet', 'Emre', 'Elif', 'Zeynep',
  // South Asian
  'Priya', 'Rahul', 'Amit', 'Anil', 'Sunil', 'Vikram', 'Arjun', 'Rohan', 'Sanjay', 'Deepak',
  'Anjali', 'Pooja', 'Neha', 'Kavya', 'Lakshmi', 'Divya', 'Sunita', 'Imran', 'Farhan', 'Ayesha',
  // East and South-East Asian
  'Wei', 'Jun', 'Li', 'Ming', 'Xiaoming', 'Yan', 'Hui', 'Jing', 'Hiroshi', 'Takeshi',
  'Kenji', 'Yuki', 'Haruto', 'Sakura', 'Aiko', 'Yuto', 'Min-jun', 'Ji-woo', 'Seo-yeon', 'Hyun',
  'Thanh', 'Linh', 'Minh', 'Nguyen', 'Siti', 'Budi', 'Putri', 'Rizal', 'Somchai', 'Malee',
];

export const DEFAULT_SURNAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor',
  'Moore', 'Jackson', 'Martin', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker', 'Carter',
  'Murphy', "O'Brien", 'Kelly', 'Walsh', 'Byrne', 'Campbell', 'Stewart', 'MacDonald', 'Evans', 'Hughes',
  'Garcia', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Perez', 'Sanchez', 'Ramirez', 'Torres',
  'Fernandez', 'Gomez', 'Diaz', 'Silva', 'Santos', 'Oliveira', 'Souza', 'Pereira', 'Costa', 'Ferreira',
  'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Bruno', 'Greco',
  'Dubois', 'Durand', 'Lefebvre', 'Moreau', 'Laurent', 'Bernard', 'Petit', 'Roux', 'Fournier', 'Girard',
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Schulz',
  'Larsen', 'Hansen', 'Nielsen', 'Johansson', 'Andersson', 'Karlsson', 'Berg', 'Lindqvist', 'Bergström', 'Virtanen',
  'Kowalski', 'Nowak', 'Wiśniewski', 'Novák', 'Horvath', 'Popescu', 'Ionescu', 'Petrov', 'Petrova', 'Ivanov',
  'Ivanova', 'Smirnov', 'Volkov', 'Papadopoulos', 'Yilmaz', 'Kaya', 'Demir', 'Cohen', 'Levi', 'Mizrahi',
  'Haddad', 'Khoury', 'Hassan', 'Hussein', 'Ahmed', 'Ali', 'Khan', 'Rahman', 'Hosseini', 'Mohammadi',
  'Okafor', 'Okonkwo', 'Adeyemi', 'Mensah', 'Owusu', 'Boateng', 'Mwangi', 'Otieno', 'Dlamini', 'Nkosi',
  'Sharma', 'Mehta', 'Patel', 'Singh', 'Kumar', 'Gupta', 'Iyer', 'Reddy', 'Nair', 'Chowdhury',
  'Zhang', 'Wang', 'Chen', 'Liu', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu',
  'Tanaka', 'Suzuki', 'Takahashi', 'Watanabe', 'Sato', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kim', 'Lee',
  'Park', 'Choi', 'Jung', 'Tran', 'Le', 'Pham', 'Santoso', 'Wijaya', 'Reyes', 'Cruz',
];

/** Honorifics that make the next capitalised word a person's name. */
export const TITLES: readonly string[] = ['Mr', 'Mrs', 'Ms', 'Miss', 'Mx', 'Dr', 'Prof', 'Sir', 'Dame'];
